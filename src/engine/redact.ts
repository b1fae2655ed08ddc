/**
 * The redaction layer. Every output (terminal, --json, logs, journal, state files)
 * passes through a Redactor that knows every secret value of the run, including the
 * forms a value takes inside URLs, JSON strings and base64.
 */
const MASK = '******';
const MIN_LEN = 4;

export class Redactor {
  private readonly needles = new Set<string>();
  private pattern: RegExp | undefined;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.add(s);
  }

  add(secret: string): void {
    if (!secret || secret.length < MIN_LEN) return;
    const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64').replace(/=+$/, '')];
    for (const f of forms) if (f.length >= MIN_LEN) this.needles.add(f);
    this.pattern = undefined;
  }

  /** Every form masked (for a filter in another process, given them outside its command line). */
  forms(): string[] {
    return [...this.needles];
  }

  get size(): number {
    return this.needles.size;
  }

  redact(text: string): string {
    if (this.needles.size === 0 || !text) return text;
    if (!this.pattern) {
      const sorted = [...this.needles].sort((a, b) => b.length - a.length).map(escapeRe);
      this.pattern = new RegExp(sorted.join('|'), 'g');
    }
    return text.replace(this.pattern, MASK);
  }

  /** Redact every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (this.needles.size === 0) return value;
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
