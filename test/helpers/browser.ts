/**
 * Opens a report file in the system's headless Chromium (Debian's `chromium`, installed by
 * scripts/test.mjs when missing), the way a person would look at it: a full-page screenshot
 * next to the report, the console and page errors, any request that left the file, and
 * for the sections `timeline`, `architecture` and `findings` whether they are visible,
 * their size, their text and whether they hold a drawing. One browser per test file.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const REPORT_SECTIONS = ['timeline', 'architecture', 'findings'] as const;
export type ReportSection = (typeof REPORT_SECTIONS)[number];

export interface SectionView {
  visible: boolean;
  width: number;
  height: number;
  /** The element's rendered text (innerText), trimmed. */
  text: string;
  /** Whether the section holds an <svg> drawn with a non-zero size. */
  drawing: boolean;
}

export interface ReportView {
  screenshot: string;
  /** Size of the screenshot file in bytes. */
  screenshotBytes: number;
  /** console.error messages and uncaught page errors. */
  errors: string[];
  /** Requests for anything other than the report file itself (the report must need no network). */
  requests: string[];
  sections: Record<ReportSection, SectionView>;
}

export interface ReportBrowser {
  /** Opens `file`, writes `<screenshot>` (a path, normally in the test's temp dir) and returns what was seen. */
  view(file: string, screenshot: string): Promise<ReportView>;
  close(): Promise<void>;
}

export async function reportBrowser(): Promise<ReportBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (scripts/test.mjs does when run as root)`);
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  return {
    async view(file: string, screenshot: string): Promise<ReportView> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      const url = pathToFileURL(path.resolve(file)).href;
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
      page.on('request', (r) => {
        const u = r.url();
        if (u !== url && !u.startsWith(`${url}#`) && !u.startsWith('data:')) requests.push(u);
      });
      try {
        await page.goto(url, { waitUntil: 'load' });
        await page.screenshot({ path: screenshot, fullPage: true });
        const sections = {} as Record<ReportSection, SectionView>;
        for (const id of REPORT_SECTIONS) {
          const el = page.locator(`#${id}`);
          if ((await el.count()) !== 1) {
            sections[id] = { visible: false, width: 0, height: 0, text: '', drawing: false };
            continue;
          }
          const box = await el.boundingBox();
          const svgBoxes = await el.locator('svg').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((b) => b.width * b.height));
          sections[id] = {
            visible: await el.isVisible(),
            width: box?.width ?? 0,
            height: box?.height ?? 0,
            text: (await el.innerText()).trim(),
            drawing: svgBoxes.some((a) => a > 0),
          };
        }
        return { screenshot, screenshotBytes: (await stat(screenshot)).size, errors, requests, sections };
      } finally {
        await page.close();
      }
    },
    close: () => browser.close(),
  };
}

/** The checks every test makes on a viewed report: all three sections seen, no error, no request, a screenshot. */
export function seenSections(v: ReportView): string[] {
  const problems: string[] = [];
  for (const id of REPORT_SECTIONS) {
    const s = v.sections[id];
    if (!s.visible || s.width === 0 || s.height === 0) problems.push(`#${id} is not visible`);
    if (!s.text) problems.push(`#${id} is empty`);
  }
  if (!v.sections.timeline.drawing) problems.push('#timeline has no drawing');
  if (!v.sections.architecture.drawing) problems.push('#architecture has no drawing');
  problems.push(...v.errors, ...v.requests.map((r) => `request: ${r}`));
  if (v.screenshotBytes === 0) problems.push(`${v.screenshot} is empty`);
  return problems;
}
