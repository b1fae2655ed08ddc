/**
 * Migration lint: statements that break a rolling deploy, where the old release keeps
 * running against the new schema until the switch (and after a rollback):
 * dropping or renaming a column or table, `NOT NULL` without a default on an existing
 * table, `SET NOT NULL` on an existing column, a non-concurrent `CREATE INDEX` on an
 * existing table, and a column type change that rewrites the table.
 * SQL is parsed with PostgreSQL's own parser (libpg-query, compiled to WebAssembly): no
 * guessing at strings, comments or dollar quotes. Pure: text in, findings out.
 */
import { loadModule, parseSync } from 'libpg-query';

export type LintRule = 'drop-column' | 'drop-table' | 'rename-column' | 'rename-table' | 'add-not-null' | 'set-not-null' | 'index-not-concurrent' | 'type-rewrite';

export interface LintHit {
  rule: LintRule;
  file: string;
  line: number;
  /** The table (and column) concerned. */
  target: string;
  /** The statement's first line, for the evidence. */
  statement: string;
}

export interface ParseFailure {
  file: string;
  line: number;
  reason: string;
}

let loaded: Promise<void> | undefined;
/** The parser's WebAssembly module, loaded once. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

type Node = Record<string, unknown>;
const obj = (v: unknown): Node | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Node) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** `schema.table` of a RangeVar, lower-cased the way PostgreSQL folds unquoted names (already folded by the parser). */
function relName(rv: unknown): string {
  const r = obj(rv);
  if (!r) return '';
  return str(r.schemaname) && str(r.schemaname) !== 'public' ? `${str(r.schemaname)}.${str(r.relname)}` : str(r.relname);
}

/** The names of a DROP's objects: each a list of String nodes (`schema`, `table`). */
function dropNames(objects: unknown): string[] {
  return arr(objects).map((o) => {
    const parts = arr(obj(obj(o)?.List)?.items ?? obj(o)?.items).map((i) => str(obj(obj(i)?.String)?.sval));
    const names = parts.filter(Boolean);
    return names.length > 1 && names[0] === 'public' ? names.slice(1).join('.') : names.join('.');
  });
}

function typeName(def: unknown): string {
  const names = arr(obj(obj(obj(def)?.ColumnDef)?.typeName)?.names).map((n) => str(obj(obj(n)?.String)?.sval));
  return names.filter((n) => n !== 'pg_catalog').join('.');
}

/** Type changes PostgreSQL does without a rewrite whatever the old type was (to text, to unbounded varchar). */
function cheapType(def: unknown): boolean {
  const name = typeName(def);
  const mods = arr(obj(obj(obj(def)?.ColumnDef)?.typeName)?.typmods);
  return name === 'text' || (name === 'varchar' && mods.length === 0);
}

function constraints(def: unknown): string[] {
  return arr(obj(obj(def)?.ColumnDef)?.constraints).map((c) => str(obj(obj(c)?.Constraint)?.contype));
}

/** The 1-based line of a byte offset, moved past whitespace and comments to the statement's first token. */
function lineOf(buf: Buffer, offset: number): { line: number; start: number } {
  let i = offset;
  for (;;) {
    while (i < buf.length && /\s/.test(String.fromCharCode(buf[i]!))) i++;
    if (buf[i] === 0x2d && buf[i + 1] === 0x2d) {
      while (i < buf.length && buf[i] !== 0x0a) i++;
      continue;
    }
    if (buf[i] === 0x2f && buf[i + 1] === 0x2a) {
      const end = buf.indexOf('*/', i + 2);
      i = end < 0 ? buf.length : end + 2;
      continue;
    }
    break;
  }
  let line = 1;
  for (let k = 0; k < i; k++) if (buf[k] === 0x0a) line++;
  return { line, start: i };
}

/**
 * The part of a migration file that runs when migrating up: node-pg-migrate's SQL
 * migrations carry `-- Up Migration` / `-- Down Migration` sections; the down part never
 * runs during a deploy. Lines keep their numbers (the down part is blanked, not cut).
 */
export function upSection(sql: string): string {
  const m = /^[ \t]*--[ \t]*Down Migration\b.*$/im.exec(sql);
  if (!m) return sql;
  return sql.slice(0, m.index) + sql.slice(m.index).replace(/[^\n]/g, ' ');
}

export interface LintState {
  /** Tables created by migrations linted so far (they are not "existing": nothing old uses them). */
  created: Set<string>;
}

export function newLintState(): LintState {
  return { created: new Set() };
}

/** Lint one file's SQL (call `loadParser()` first). Tables it creates are added to `state`. */
export function lintSql(sql: string, file: string, state: LintState = newLintState()): { hits: LintHit[]; failure?: ParseFailure } {
  const text = upSection(sql);
  let parsed: { stmts?: unknown[] };
  try {
    parsed = parseSync(text) as { stmts?: unknown[] };
  } catch (e) {
    const cursor = obj(obj(e)?.sqlDetails)?.cursorPosition;
    const line = typeof cursor === 'number' ? text.slice(0, cursor).split('\n').length : 1;
    return { hits: [], failure: { file, line, reason: e instanceof Error ? e.message : String(e) } };
  }
  const buf = Buffer.from(text, 'utf8');
  const hits: LintHit[] = [];
  for (const raw of parsed.stmts ?? []) {
    const s = obj(raw) ?? {};
    const loc = typeof s.stmt_location === 'number' ? s.stmt_location : 0;
    const { line, start } = lineOf(buf, loc);
    const end = typeof s.stmt_len === 'number' && s.stmt_len > 0 ? loc + s.stmt_len : buf.length;
    const statement = buf.subarray(start, end).toString('utf8').split('\n')[0]!.trim().slice(0, 160);
    const hit = (rule: LintRule, target: string) => hits.push({ rule, file, line, target, statement });
    const stmt = obj(s.stmt) ?? {};
    const existing = (t: string) => !!t && !state.created.has(t);

    const create = obj(stmt.CreateStmt) ?? obj(obj(stmt.CreateTableAsStmt)?.into)?.rel;
    if (obj(stmt.CreateStmt)) state.created.add(relName(obj(stmt.CreateStmt)!.relation));
    else if (create) state.created.add(relName(create));

    const alter = obj(stmt.AlterTableStmt);
    if (alter && str(alter.objtype) === 'OBJECT_TABLE') {
      const table = relName(alter.relation);
      for (const c of arr(alter.cmds)) {
        const cmd = obj(obj(c)?.AlterTableCmd) ?? {};
        const sub = str(cmd.subtype);
        const col = str(cmd.name);
        if (!existing(table)) continue;
        if (sub === 'AT_DropColumn') hit('drop-column', `${table}.${col}`);
        else if (sub === 'AT_SetNotNull') hit('set-not-null', `${table}.${col}`);
        else if (sub === 'AT_AlterColumnType' && !cheapType(cmd.def)) hit('type-rewrite', `${table}.${col} → ${typeName(cmd.def)}`);
        else if (sub === 'AT_AddColumn') {
          const cons = constraints(cmd.def);
          const colName = str(obj(obj(cmd.def)?.ColumnDef)?.colname);
          const filled = cons.some((k) => k === 'CONSTR_DEFAULT' || k === 'CONSTR_IDENTITY' || k === 'CONSTR_GENERATED');
          if ((cons.includes('CONSTR_NOTNULL') || cons.includes('CONSTR_PRIMARY')) && !filled) hit('add-not-null', `${table}.${colName}`);
        }
      }
    }
    const rename = obj(stmt.RenameStmt);
    if (rename) {
      const table = relName(rename.relation);
      const kind = str(rename.renameType);
      if (kind === 'OBJECT_COLUMN' && existing(table)) hit('rename-column', `${table}.${str(rename.subname)} → ${str(rename.newname)}`);
      if (kind === 'OBJECT_TABLE' && existing(table)) hit('rename-table', `${table} → ${str(rename.newname)}`);
    }
    const drop = obj(stmt.DropStmt);
    if (drop && str(drop.removeType) === 'OBJECT_TABLE') {
      for (const t of dropNames(drop.objects)) if (existing(t)) hit('drop-table', t);
    }
    const index = obj(stmt.IndexStmt);
    if (index && !index.concurrent) {
      const table = relName(index.relation);
      if (existing(table)) hit('index-not-concurrent', `${table}${str(index.idxname) ? ` (${str(index.idxname)})` : ''}`);
    }
  }
  return { hits };
}

/** The statements of a SQL text, as written (call `loadParser()` first); the whole text when it does not parse. */
export function splitStatements(sql: string): string[] {
  let parsed: { stmts?: unknown[] };
  try {
    parsed = parseSync(sql) as { stmts?: unknown[] };
  } catch {
    return [sql];
  }
  const buf = Buffer.from(sql, 'utf8');
  return (parsed.stmts ?? []).map((raw) => {
    const s = obj(raw) ?? {};
    const loc = typeof s.stmt_location === 'number' ? s.stmt_location : 0;
    const { start } = lineOf(buf, loc);
    const end = typeof s.stmt_len === 'number' && s.stmt_len > 0 ? loc + s.stmt_len : buf.length;
    return buf.subarray(start, end).toString('utf8').trim();
  }).filter(Boolean);
}
