/**
 * The command line an SSH channel runs on the VM. Commands are argv arrays: the remote command
 * line is a fixed wrapper script plus the argv, each word single-quoted. Environment values
 * (secrets) never appear on it: they travel base64-encoded on the channel's stdin ahead of the
 * command's own input, and the wrapper exports them before exec'ing the command.
 * Running as another user uses `setpriv` (no fork, so a detached process keeps its pid);
 * a process group uses `setsid -w`, whose leader reports its pgid first thing on stderr.
 */

/** Quote one word for a POSIX shell. */
export function shq(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The wrapper every command runs under: $1 user ('' = as logged in), $2 cwd, $3 '1' for a
 * process group of its own; the command follows. Stdin starts with `NAME=base64` lines and `--`.
 */
const WRAPPER = [
  'while IFS= read -r l; do [ "$l" = "--" ] && break; export "${l%%=*}=$(printf %s "${l#*=}" | base64 -d)"; done',
  'u=$1; d=$2; g=$3; shift 3',
  'if [ -n "$d" ]; then cd "$d" || exit 126; fi',
  'if [ -n "$u" ] && [ "$u" != "$(id -un)" ]; then',
  '  export HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" LOGNAME="$u"',
  '  set -- setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"',
  'fi',
  'if [ "$g" = 1 ]; then exec setsid -w sh -c \'echo "@@slipway-pgid $$" >&2; exec "$@"\' sh "$@"; fi',
  'exec "$@"',
].join('\n');

export function envBlock(env: Record<string, string> | undefined): string {
  const lines = Object.entries(env ?? {}).map(([k, v]) => `${k}=${Buffer.from(v, 'utf8').toString('base64')}`);
  return [...lines, '--', ''].join('\n');
}

export function remoteCommand(argv: readonly string[], opts: { user?: string; cwd?: string; group?: boolean }): string {
  return ['sh', '-c', WRAPPER, 'slipway', opts.user ?? '', opts.cwd ?? '', opts.group ? '1' : '0', ...argv].map(shq).join(' ');
}

/** The line on stderr where a process group's leader reports its pgid. */
export const PGID = /^@@slipway-pgid (\d+)$/;

/** argv prefixed with the wrapper's run-as and cwd handling, for `spawnDetached`'s inner command. */
export function remoteCommandArgv(argv: readonly string[], user: string | undefined, cwd: string | undefined): string[] {
  return ['sh', '-c', WRAPPER_NO_STDIN, 'slipway', user ?? '', cwd ?? '', ...argv];
}

/** The run-as and cwd part of the wrapper, for a detached process (its env is already exported). */
const WRAPPER_NO_STDIN = [
  'u=$1; d=$2; shift 2',
  'if [ -n "$d" ]; then cd "$d" || exit 126; fi',
  'if [ -n "$u" ] && [ "$u" != "$(id -un)" ]; then',
  '  export HOME="$(getent passwd "$u" | cut -d: -f6)" USER="$u" LOGNAME="$u"',
  '  exec setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"',
  'fi',
  'exec "$@"',
].join('\n');
