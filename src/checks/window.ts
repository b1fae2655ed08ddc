/** Change window: no production deploy in busy hours; recommend the low-traffic window. */
import { areaFinder } from './finding.js';
import type { CheckDef } from './types.js';

const f = areaFinder('window');

/** Minutes since midnight of `now` in `timeZone`. */
export function minutesIn(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return (h % 24) * 60 + m;
}

/** Whether minute-of-day `m` is inside `HH:MM-HH:MM` (end exclusive; may cross midnight). */
export function inWindow(m: number, spec: string): boolean {
  const [a, b] = spec.split('-').map((s) => {
    const [h, mm] = s.split(':').map(Number);
    return h! * 60 + mm!;
  }) as [number, number];
  return a <= b ? m >= a && m < b : m >= a || m < b;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

export const changeWindow: CheckDef = {
  id: 'window.busy',
  area: 'window',
  async run({ envr, now }) {
    const s = envr.check;
    let m: number;
    try {
      m = minutesIn(now, s.timeZone);
    } catch {
      return [f('window.busy', 'warning', 'checks.window.badZone', { zone: s.timeZone })];
    }
    const p = { time: hhmm(m), zone: s.timeZone, low: s.lowTrafficWindow, busy: s.busyHours.join(', ') };
    if (!envr.production) return [f('window.busy', 'passed', 'checks.window.notProduction', p)];
    const busy = s.busyHours.find((w) => inWindow(m, w));
    const out = [busy ? f('window.busy', 'blocker', 'checks.window.busy', { ...p, window: busy }) : f('window.busy', 'passed', 'checks.window.notBusy', p)];
    out.push(inWindow(m, s.lowTrafficWindow) ? f('window.low-traffic', 'passed', 'checks.window.lowOk', p) : f('window.low-traffic', 'info', 'checks.window.outsideLow', p));
    return out;
  },
};
