/** Migration lint on SQL samples: what breaks a rolling deploy, where, and what is fine. Pure: no database. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { lintSql, loadParser, newLintState, upSection } from '../../src/checks/migration-lint.js';

before(() => loadParser());

const rules = (sql: string, state = newLintState()) => lintSql(sql, 'm.sql', state).hits.map((h) => `${h.rule}@${h.line}:${h.target}`);

test('each unsafe change on an existing table is found, at its line', () => {
  const sql = [
    '-- a comment with DROP TABLE users; in it',
    'ALTER TABLE users DROP COLUMN legacy;',
    'ALTER TABLE users RENAME COLUMN name TO full_name;',
    'ALTER TABLE orders RENAME TO purchases;',
    'DROP TABLE IF EXISTS sessions, public.tokens;',
    'ALTER TABLE users ADD COLUMN email text NOT NULL;',
    'ALTER TABLE users ALTER COLUMN sku SET NOT NULL;',
    'CREATE INDEX users_email ON users (email);',
    'ALTER TABLE users ALTER COLUMN age TYPE bigint;',
  ].join('\n');
  assert.deepEqual(rules(sql), [
    'drop-column@2:users.legacy',
    'rename-column@3:users.name → full_name',
    'rename-table@4:orders → purchases',
    'drop-table@5:sessions',
    'drop-table@5:tokens',
    'add-not-null@6:users.email',
    'set-not-null@7:users.sku',
    'index-not-concurrent@8:users (users_email)',
    'type-rewrite@9:users.age → int8',
  ]);
});

test('the safe patterns pass: defaults, CONCURRENTLY, cheap type changes, tables created in the same set', () => {
  const sql = `
ALTER TABLE users ADD COLUMN email text;
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE users ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;
CREATE INDEX CONCURRENTLY users_email ON users (email);
ALTER TABLE users ALTER COLUMN bio TYPE text;
CREATE TABLE audit (id bigint PRIMARY KEY, at timestamptz);
CREATE INDEX audit_at ON audit (at);
ALTER TABLE audit ADD COLUMN who text NOT NULL;
DROP TABLE audit;
`;
  assert.deepEqual(rules(sql), []);
  // A table created by an earlier file of the same set is new too.
  const state = newLintState();
  lintSql('CREATE TABLE carts (id int);', 'a.sql', state);
  assert.deepEqual(rules('CREATE INDEX carts_id ON carts (id);', state), []);
});

test('strings, dollar quotes and comments never look like statements', () => {
  const sql = `
INSERT INTO notes (body) VALUES ('ALTER TABLE users DROP COLUMN x;');
CREATE FUNCTION f() RETURNS void AS $body$ BEGIN EXECUTE 'DROP TABLE users'; END $body$ LANGUAGE plpgsql;
/* DROP TABLE users; */
SELECT 1;
ALTER TABLE "Users" DROP COLUMN "Old";
`;
  assert.deepEqual(rules(sql), ['drop-column@6:Users.Old']);
});

test('node-pg-migrate SQL: only the Up Migration section runs, and drizzle breakpoints are comments', () => {
  const sql = '-- Up Migration\nALTER TABLE products ALTER COLUMN sku_hash SET NOT NULL;\n\n-- Down Migration\nALTER TABLE products DROP COLUMN sku_hash;\n';
  assert.deepEqual(rules(sql), ['set-not-null@2:products.sku_hash']);
  assert.equal(upSection(sql).split('\n').length, sql.split('\n').length);
  const drizzle = 'CREATE TABLE "t" ("id" serial);\n--> statement-breakpoint\nALTER TABLE "users" DROP COLUMN "age";';
  assert.deepEqual(rules(drizzle), ['drop-column@3:users.age']);
});

test('SQL the parser rejects is reported with its line, not skipped silently', () => {
  const r = lintSql('SELECT 1;\nALTER TABLE users DROPP COLUMN x;\n', 'bad.sql');
  assert.equal(r.hits.length, 0);
  assert.equal(r.failure?.line, 2);
  assert.match(r.failure!.reason, /syntax error/);
});
