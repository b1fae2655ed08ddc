/** `slipway db rehearse`, the migration lint and the rehearsal the preflight can require. */
import { registerCatalog, type Catalog } from '../i18n.js';

type Pair = [en: string, zh: string];
export const rehearse: Catalog = {};

function m(key: string, en: string, zh: string): void {
  rehearse[key] = { en, 'zh-CN': zh };
}
function v(key: string, title: Pair, evidence?: Pair, fix?: Pair): void {
  m(key, ...title);
  if (evidence) m(`${key}.evidence`, ...evidence);
  if (fix) m(`${key}.fix`, ...fix);
}

// CLI
m('cli.dbRehearse', 'restore the latest backup into a throwaway PostgreSQL here, run the pending migrations on it, report time, errors and long locks', '把最新备份恢复到本机的临时 PostgreSQL，在其上运行待执行的迁移，报告耗时、错误和长时间持有的锁');
m('cli.opt.lockThreshold', 'report locks held longer than this many seconds (default: database.rehearseLockSeconds, else 5)', '报告持有时间超过此秒数的锁（默认：database.rehearseLockSeconds，否则为 5）');
m('cli.opt.freshBackup', 'take a new backup of the live database first (read-only for it) and rehearse on that', '先对线上数据库做一次新备份（对其只读），再用该备份演练');

// Progress and result
m('rehearse.backup', 'Backup: {file} ({where}, {kb} KB, {entries} entries, verified readable)', '备份：{file}（{where}，{kb} KB，{entries} 个条目，已验证可读）');
m('rehearse.freshBackup', 'Took a new backup of the live database: {file}', '已对线上数据库做了新备份：{file}');
m('rehearse.cluster', 'Throwaway PostgreSQL {major} on 127.0.0.1:{port}', '临时 PostgreSQL {major}，位于 127.0.0.1:{port}');
m('rehearse.restored', 'Restored in {seconds} s', '恢复用时 {seconds} 秒');
m('rehearse.build', 'Built the release to rehearse in {dir}', '已在 {dir} 构建待演练的发布');
m('rehearse.migrating', 'Running `{command}` against the restored copy…', '正在对恢复的副本运行 `{command}`…');
m('rehearse.passed', 'Rehearsal passed: migrations ran in {seconds} s on a copy of {backup} (migration set {set}).', '演练通过：迁移在 {backup} 的副本上用时 {seconds} 秒（迁移集 {set}）。');
m('rehearse.failedTitle', 'Rehearsal failed: the migrations fail on the data of {backup} (after {seconds} s).', '演练失败：迁移在 {backup} 的数据上失败（{seconds} 秒后）。');
m('rehearse.statement', 'Failing statement: {statement}', '失败的语句：{statement}');
m('rehearse.dbError', 'PostgreSQL said: {error}', 'PostgreSQL 报告：{error}');
m('rehearse.locksNone', 'No lock was held longer than {threshold} s.', '没有持有超过 {threshold} 秒的锁。');
m('rehearse.locksHeader', 'Locks held longer than {threshold} s (other sessions wait on them; during a deploy the serving release does):', '持有超过 {threshold} 秒的锁（其他会话要等待它们；部署时就是正在服务的发布在等）：');
m('rehearse.lock', '  {mode} on {relation}: {seconds} s — {query}', '  {relation} 上的 {mode}：{seconds} 秒 — {query}');
m('rehearse.removed', 'Removed the throwaway cluster.', '已删除临时集群。');
m('rehearse.recorded', 'Recorded in {file}; a deploy with database.rehearse: required accepts this migration set.', '已记录到 {file}；设置了 database.rehearse: required 的部署会接受此迁移集。');
m('rehearse.recordedFailed', 'Recorded in {file}; a deploy with database.rehearse: required refuses this migration set until a rehearsal passes.', '已记录到 {file}；设置了 database.rehearse: required 的部署会拒绝此迁移集，直到演练通过。');
m('rehearse.noMigrate', 'database.migrate is not set: there is nothing to rehearse.', '未设置 database.migrate：没有可演练的内容。');

// Errors
m('rehearse.failed', 'The migrations failed on a copy of the real data ({backup}): {reason}', '迁移在真实数据的副本（{backup}）上失败：{reason}');
m('rehearse.failed.fix', 'Fix the migration so it works on the existing rows (e.g. backfill before SET NOT NULL, or add the constraint NOT VALID and validate later), then run `slipway db rehearse {env}` again. Nothing touched the real database.', '修改迁移，使其适用于现有数据（例如先回填再 SET NOT NULL，或先以 NOT VALID 添加约束、之后再验证），然后重新运行 `slipway db rehearse {env}`。真实数据库未被改动。');
m('rehearse.noBackup', 'No verified backup of {env} to rehearse on (looked in {where})', '没有可用于演练的 {env} 已验证备份（查找位置：{where}）');
m('rehearse.noBackup.fix', 'Run `slipway db rehearse {env} --fresh` to take one now (a read-only pg_dump of the live database), or deploy once.', '运行 `slipway db rehearse {env} --fresh` 立即做一次备份（对线上数据库只读的 pg_dump），或先部署一次。');
m('rehearse.noDatabase', '{env} has no database: there is nothing to rehearse', '{env} 没有数据库：没有可演练的内容');
m('rehearse.noDatabase.fix', 'Add a `database` section to the configuration.', '在配置中添加 `database` 部分。');
m('rehearse.awsNoDump', 'aws: an RDS snapshot cannot be turned into a pg_dump archive here (StartExportTask writes Parquet files to S3, not a dump PostgreSQL can restore); nothing was created', 'aws：此处无法把 RDS 快照转换为 pg_dump 归档（StartExportTask 只把 Parquet 文件写入 S3，不是 PostgreSQL 能恢复的转储）；未创建任何资源');
m('rehearse.awsNoDump.fix', 'RDS exports snapshots to S3 only as Parquet, which PostgreSQL cannot restore. Restore the snapshot to a temporary instance and rehearse against a pg_dump of it (`pg_dump -Fc` → `slipway db rehearse` of a local environment), or rehearse on a local or ssh environment with a copy of the data.', 'RDS 只能把快照以 Parquet 格式导出到 S3，PostgreSQL 无法恢复。请把快照恢复为临时实例并对其 pg_dump（`pg_dump -Fc` → 用本地环境运行 `slipway db rehearse`），或在带有数据副本的 local/ssh 环境上演练。');
m('rehearse.notForTarget', '`db rehearse` does not support the {target} target', '`db rehearse` 不支持 {target} 目标');

// Preflight: lint
v(
  'checks.migrations.unsafe',
  ['{file}:{line} {what}', '{file}:{line} {what}'],
  ['{statement} — {why}', '{statement} — {why}'],
  ['{safe} Accept it with --accept-risk migrations.unsafe:{file}:{line}.', '{safe} 如确认无妨，用 --accept-risk migrations.unsafe:{file}:{line} 接受。'],
);
v('checks.migrations.lintOk', ['Pending migrations are safe for a rolling deploy ({count} SQL file(s))', '待执行的迁移可安全用于滚动部署（{count} 个 SQL 文件）'], ['{scope}', '{scope}']);
v('checks.migrations.firstDeploy', ['No release is serving yet: no old release runs beside the migrations', '尚无正在服务的发布：迁移期间不会有旧发布同时运行'], ['{count} migration file(s); the rolling-deploy lint applies from the next deploy on.', '{count} 个迁移文件；滚动部署检查从下次部署开始生效。']);
v('checks.migrations.unparsed', ['{file}:{line} could not be parsed as PostgreSQL SQL', '{file}:{line} 无法解析为 PostgreSQL SQL'], ['{reason}', '{reason}'], ['Check the file; the lint skipped it (the migration tool may still accept it, e.g. psql meta-commands).', '检查该文件；lint 已跳过它（迁移工具可能仍能接受，例如 psql 元命令）。']);
v(
  'checks.migrations.uncovered',
  ['{count} migration(s) written in JS/TS are not linted', '{count} 个用 JS/TS 编写的迁移未被检查'],
  ['{files}: their SQL exists only when they run (knex, node-pg-migrate, TypeORM, Sequelize).', '{files}：它们的 SQL 只在运行时才产生（knex、node-pg-migrate、TypeORM、Sequelize）。'],
  ['Run `slipway db rehearse` to try them on a copy of the data, or write them as .sql files.', '运行 `slipway db rehearse` 在数据副本上试运行，或改写为 .sql 文件。'],
);
v('checks.migrations.scopeAll', ['Every migration file was linted, not only the pending ones: some warnings may be about long-applied files', '检查了所有迁移文件，而不只是待执行的：部分警告可能针对早已执行的文件'], ['{scope}', '{scope}']);
m('lint.scope.pending', 'Only files the serving release {release} does not have were linted.', '只检查了正在服务的发布 {release} 中没有的文件。');
m('lint.scope.all', 'Every migration file was linted (which ones the serving release ran is not known here); accept old findings by file:line.', '检查了所有迁移文件（此处无法得知正在服务的发布已执行哪些）；旧文件的发现可按 file:line 接受。');
m('lint.scope.unrecorded', 'Every migration file was linted: the record of the serving release {release} does not say which migration files it shipped (recorded by an older slipway, or a promoted image); accept old findings by file:line. A release deployed from this checkout records them.', '检查了所有迁移文件：正在服务的发布 {release} 的记录中没有它带有哪些迁移文件（由旧版 slipway 记录，或是提升而来的镜像）；旧文件的发现可按 file:line 接受。从此检出目录部署的发布会记录它们。');
m('lint.scope.changed', 'Every migration file was linted: the {count} migration file(s) the serving release {release} shipped are not the first {count} here (one was renamed, removed, or added before its newest); accept old findings by file:line.', '检查了所有迁移文件：正在服务的发布 {release} 带有的 {count} 个迁移文件并不是这里的前 {count} 个（有文件被重命名、删除，或被加在其最新文件之前）；旧文件的发现可按 file:line 接受。');
m('lint.scope.unreadable', 'Every migration file was linted: the serving release\'s migration files could not be read at {where} ({reason}).', '检查了所有迁移文件：无法在 {where} 读取正在服务的发布的迁移文件（{reason}）。');

const RULES: Record<string, [what: Pair, why: Pair, safe: Pair]> = {
  'drop-column': [
    ['drops column {target}', '删除了列 {target}'],
    ['the old release still selects and inserts it until the switch, and fails.', '切换前旧发布仍会读写该列，从而出错。'],
    ['Expand/contract: deploy code that no longer uses the column first, drop it in a later deploy.', '扩展/收缩：先部署不再使用该列的代码，在之后的部署中再删除它。'],
  ],
  'drop-table': [
    ['drops table {target}', '删除了表 {target}'],
    ['the old release still queries it until the switch (and after a rollback).', '切换前（以及回滚后）旧发布仍会查询该表。'],
    ['Expand/contract: stop using the table in one deploy, drop it in a later one.', '扩展/收缩：先在一次部署中停止使用该表，在之后的部署中再删除。'],
  ],
  'rename-column': [
    ['renames column {target}', '重命名了列 {target}'],
    ['the old release uses the old name and fails as soon as the migration commits.', '迁移提交后，使用旧列名的旧发布立即出错。'],
    ['Expand/contract: add the new column, write both, backfill, switch reads, drop the old one later.', '扩展/收缩：添加新列，同时写两列，回填数据，切换读取，之后再删除旧列。'],
  ],
  'rename-table': [
    ['renames table {target}', '重命名了表 {target}'],
    ['the old release uses the old name and fails as soon as the migration commits.', '迁移提交后，使用旧表名的旧发布立即出错。'],
    ['Expand/contract: create the new table (or a view with the old name), move the code, drop the old name later.', '扩展/收缩：创建新表（或保留旧名的视图），迁移代码，之后再删除旧名称。'],
  ],
  'add-not-null': [
    ['adds NOT NULL column {target} without a default', '添加了没有默认值的 NOT NULL 列 {target}'],
    ['it fails on a table with rows, and the old release inserts rows without it.', '表中已有数据时会失败，而且旧发布插入的行不含该列。'],
    ['Add the column nullable (or with a DEFAULT), backfill, then add the constraint in a later deploy.', '先添加可空列（或带 DEFAULT），回填后在之后的部署中再加约束。'],
  ],
  'set-not-null': [
    ['sets NOT NULL on {target}', '给 {target} 设置了 NOT NULL'],
    ['it scans the whole table under an ACCESS EXCLUSIVE lock, fails if a row is NULL, and the old release may still write NULLs.', '它在 ACCESS EXCLUSIVE 锁下扫描整张表，存在 NULL 行时失败，而且旧发布可能仍在写入 NULL。'],
    ['Backfill first; add CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later step, then SET NOT NULL (no scan on PostgreSQL 12+).', '先回填；添加 CHECK (col IS NOT NULL) NOT VALID，之后再 VALIDATE CONSTRAINT，最后 SET NOT NULL（PostgreSQL 12+ 无需再次扫描）。'],
  ],
  'index-not-concurrent': [
    ['creates an index on {target} without CONCURRENTLY', '在 {target} 上创建索引时未使用 CONCURRENTLY'],
    ['it blocks every write to the table while it builds; on a large table that is minutes of failed requests.', '建索引期间会阻塞该表的所有写入；大表上意味着数分钟的失败请求。'],
    ['Use CREATE INDEX CONCURRENTLY, outside a transaction (a migration of its own, with the tool\'s no-transaction option).', '使用 CREATE INDEX CONCURRENTLY，并放在事务之外（单独的迁移，并使用工具的无事务选项）。'],
  ],
  'type-rewrite': [
    ['changes the type of {target}', '修改了 {target} 的类型'],
    ['most type changes rewrite the table under an ACCESS EXCLUSIVE lock, and the old release reads the old type.', '大多数类型修改会在 ACCESS EXCLUSIVE 锁下重写整张表，而且旧发布按旧类型读取。'],
    ['Expand/contract: add a column of the new type, write both, backfill in batches, switch, drop the old one later.', '扩展/收缩：添加新类型的列，同时写两列，分批回填，切换后再删除旧列。'],
  ],
};
for (const [rule, [what, why, safe]] of Object.entries(RULES)) {
  m(`lint.${rule}.what`, ...what);
  m(`lint.${rule}.why`, ...why);
  m(`lint.${rule}.safe`, ...safe);
}

// Preflight: the rehearsal a deploy can require
v('checks.rehearsal.passed', ['A passing rehearsal of these migrations is recorded ({at})', '已记录这些迁移的一次通过的演练（{at}）'], ['Migration set {set}, on {backup}, {seconds} s.', '迁移集 {set}，使用 {backup}，用时 {seconds} 秒。']);
v(
  'checks.rehearsal.failed',
  ['The last rehearsal of these migrations failed ({at})', '这些迁移的最近一次演练失败了（{at}）'],
  ['{reason}', '{reason}'],
  ['Fix the migration and run `slipway db rehearse {env}`; database.rehearse is required.', '修改迁移后运行 `slipway db rehearse {env}`；database.rehearse 要求先演练。'],
);
v(
  'checks.rehearsal.missing',
  ['No rehearsal of these migrations is recorded', '没有这些迁移的演练记录'],
  ['database.rehearse is required and migration set {set} has not been rehearsed on this machine.', 'database.rehearse 设置为必需，而迁移集 {set} 尚未在本机演练过。'],
  ['Run `slipway db rehearse {env}` (it restores the latest backup into a throwaway PostgreSQL here and runs the migrations).', '运行 `slipway db rehearse {env}`（它把最新备份恢复到本机的临时 PostgreSQL 并运行迁移）。'],
);

v(
  'checks.rehearsal.passedIn',
  ['A passing rehearsal of these migrations is recorded in {in} ({at})', '已在 {in} 中记录这些迁移的一次通过的演练（{at}）'],
  ['This environment is a fleet and cannot rehearse itself; migration set {set} passed in {in}, on {backup}, {seconds} s.', '本环境是机群，无法自行演练；迁移集 {set} 已在 {in} 中通过，使用 {backup}，用时 {seconds} 秒。'],
);
v(
  'checks.rehearsal.missingFleet',
  ['No rehearsal of these migrations is recorded', '没有这些迁移的演练记录'],
  ['database.rehearse is required, migration set {set} has not been rehearsed, and {env} is a fleet, which cannot rehearse itself (its database is shared, its backups are on one host).', 'database.rehearse 设置为必需，迁移集 {set} 尚未演练，而 {env} 是机群，无法自行演练（数据库共享，备份只在一台主机上）。'],
  ['Rehearse the same migrations in an environment of this app on one machine, restored from a dump of {env}\'s database: `slipway db import <env> --file <dump>`, then `slipway db rehearse <env> --fresh`. A passing rehearsal there counts for {env}.', '在本应用的单机环境中演练相同的迁移，并先恢复 {env} 数据库的转储：`slipway db import <env> --file <dump>`，然后运行 `slipway db rehearse <env> --fresh`。那里的演练通过后对 {env} 同样有效。'],
);

registerCatalog(rehearse);
