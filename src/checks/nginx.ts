/**
 * What nginx does with a domain, read from `nginx -T` (the whole effective configuration):
 * which `server` blocks name it, and where their `location`s `proxy_pass` to (an upstream's
 * servers included). Pure: the check runs `nginx -T` on the machine and asks this.
 */

export interface NginxRoute {
  /** `proxy_pass` targets as host:port (upstreams expanded), for servers naming the domain. */
  targets: string[];
  /** Whether any server block names the domain. */
  served: boolean;
}

interface Block {
  name: string;
  args: string[];
  directives: [string, string[]][];
  children: Block[];
}

function strip(text: string): string {
  // `nginx -T` prints "# configuration file /etc/nginx/...:" headers; comments run to the line end.
  return text.replace(/#[^\n]*/g, '');
}

function tokens(text: string): string[] {
  return strip(text).match(/"[^"]*"|'[^']*'|[{};]|[^\s{};]+/g)?.map((t) => t.replace(/^["']|["']$/g, '')) ?? [];
}

function parse(toks: string[]): Block {
  const root: Block = { name: '', args: [], directives: [], children: [] };
  const stack: Block[] = [root];
  let cur: string[] = [];
  for (const t of toks) {
    const top = stack[stack.length - 1]!;
    if (t === ';') {
      if (cur.length) top.directives.push([cur[0]!, cur.slice(1)]);
      cur = [];
    } else if (t === '{') {
      const b: Block = { name: cur[0] ?? '', args: cur.slice(1), directives: [], children: [] };
      top.children.push(b);
      stack.push(b);
      cur = [];
    } else if (t === '}') {
      if (stack.length > 1) stack.pop();
      cur = [];
    } else cur.push(t);
  }
  return root;
}

function walk(b: Block, fn: (b: Block) => void): void {
  fn(b);
  for (const c of b.children) walk(c, fn);
}

function hostPort(url: string): string {
  const m = /^https?:\/\/([^/]+)/.exec(url);
  const hp = m ? m[1]! : url;
  return /:\d+$/.test(hp) ? hp : `${hp}:80`;
}

const matches = (pattern: string, domain: string): boolean => {
  if (pattern === domain) return true;
  if (pattern.startsWith('*.')) return domain.endsWith(pattern.slice(1));
  if (pattern.startsWith('.')) return domain === pattern.slice(1) || domain.endsWith(pattern);
  return false;
};

/** Where nginx sends requests for `domain`. */
export function nginxRoute(config: string, domain: string): NginxRoute {
  const root = parse(tokens(config));
  const upstreams = new Map<string, string[]>();
  walk(root, (b) => {
    if (b.name === 'upstream' && b.args[0]) upstreams.set(b.args[0], b.directives.filter(([d]) => d === 'server').map(([, a]) => (/:\d+$/.test(a[0] ?? '') ? a[0]! : `${a[0]}:80`)));
  });
  const targets = new Set<string>();
  let served = false;
  walk(root, (b) => {
    if (b.name !== 'server') return;
    const names = b.directives.filter(([d]) => d === 'server_name').flatMap(([, a]) => a);
    if (!names.some((n) => matches(n, domain))) return;
    served = true;
    walk(b, (inner) => {
      for (const [d, a] of inner.directives) {
        if (d !== 'proxy_pass' || !a[0]) continue;
        const hp = hostPort(a[0]);
        const name = /^https?:\/\/([^/:]+)/.exec(a[0])?.[1] ?? '';
        for (const t of upstreams.get(name) ?? [hp]) targets.add(t);
      }
    });
  });
  return { targets: [...targets], served };
}

/** Whether a proxy target (host:port) is the stable port on this machine. */
export function isStablePort(target: string, port: number): boolean {
  const m = /^(?:\[?([^\]]+)\]?):(\d+)$/.exec(target);
  if (!m || Number(m[2]) !== port) return false;
  return ['127.0.0.1', 'localhost', '::1', '0.0.0.0'].includes(m[1]!);
}
