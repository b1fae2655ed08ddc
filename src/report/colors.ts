/**
 * Whether output may carry ANSI colours, and the colour functions to use. Colours only
 * on a terminal, never under CI, NO_COLOR or TERM=dumb; FORCE_COLOR turns them on.
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return false;
  if (env.TERM === 'dumb') return false;
  return !!stream.isTTY;
}

/** Colours for standard output. */
export const colors: Colors = pc.createColors(colorEnabled(process.stdout, process.env));
/** Colours for standard error (errors are printed there). */
export const errorColors: Colors = pc.createColors(colorEnabled(process.stderr, process.env));
