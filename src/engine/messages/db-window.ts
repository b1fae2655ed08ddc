/** `slipway db open` / `db close` and the `aws.db-window` preflight check. */
import { registerCatalog, type Catalog } from '../i18n.js';

export const dbWindow: Catalog = {
  'cli.dbOpen': {
    en: 'open the database to this machine for a limited time (aws: one address + public access; local/ssh: a port-forward held in the foreground)',
    'zh-CN': '在限定时间内向本机开放数据库（aws：单个地址 + 公网访问；local/ssh：在前台保持的端口转发）',
  },
  'cli.dbClose': { en: 'close the database window now (`db open`)', 'zh-CN': '立即关闭数据库窗口（`db open` 打开的）' },
  'cli.opt.dbTtl': { en: 'how long the window stays open: 90s, 30m, 2h (at most 12h)', 'zh-CN': '窗口保持开放的时长：90s、30m、2h（最长 12h）' },
  'cli.opt.dbOpenCidr': {
    en: 'aws: the address allowed in, <ip>/32 (default: this machine\'s public address from checkip.amazonaws.com)',
    'zh-CN': 'aws：允许访问的地址，<ip>/32（默认：通过 checkip.amazonaws.com 获取本机公网地址）',
  },
  'cli.opt.dbOpenPort': { en: 'local/ssh: the local port to listen on (default: a free one)', 'zh-CN': 'local/ssh：本机监听的端口（默认：任一空闲端口）' },

  'dbwindow.badTtl': { en: '--ttl {ttl} is not a duration between 1s and 12h.', 'zh-CN': '--ttl {ttl} 不是 1s 到 12h 之间的时长。' },
  'dbwindow.badTtl.fix': { en: 'Give seconds, minutes or hours: --ttl 90s, --ttl 30m, --ttl 2h.', 'zh-CN': '请以秒、分钟或小时给出：--ttl 90s、--ttl 30m、--ttl 2h。' },
  'dbwindow.badPort': { en: '--port {port} is not a TCP port.', 'zh-CN': '--port {port} 不是有效的 TCP 端口。' },
  'dbwindow.badPort.fix': { en: 'Give a port between 1 and 65535, or leave --port out for a free one.', 'zh-CN': '请给出 1 到 65535 之间的端口，或省略 --port 以使用空闲端口。' },
  'dbwindow.noAddress': { en: "This machine's public address could not be found ({reason}).", 'zh-CN': '无法获取本机的公网地址（{reason}）。' },
  'dbwindow.noAddress.fix': { en: 'Name it: --cidr <your public IP>/32 (`curl https://checkip.amazonaws.com`).', 'zh-CN': '请指定：--cidr <你的公网 IP>/32（`curl https://checkip.amazonaws.com`）。' },
  'dbwindow.alreadyOpen': { en: 'A database window of {env} is already open until {until} (opened by {user}@{machine}).', 'zh-CN': '{env} 的数据库窗口已开放至 {until}（由 {user}@{machine} 打开）。' },
  'dbwindow.alreadyOpen.fix': { en: 'Use it, or close it first: `slipway db close {env}`.', 'zh-CN': '直接使用它，或先关闭：`slipway db close {env}`。' },
  'dbwindow.external': { en: 'The database of {env} is not run by slipway (database.urlSecret {name}): there is nothing to forward to.', 'zh-CN': '{env} 的数据库不由 slipway 运行（database.urlSecret {name}）：没有可转发的目标。' },
  'dbwindow.external.fix': { en: 'Connect to it with the URL in that secret, as its provider documents.', 'zh-CN': '请按数据库提供方的说明，使用该密钥中的 URL 连接。' },
  'dbwindow.notRunning': { en: 'The database of {env} is not running.', 'zh-CN': '{env} 的数据库没有运行。' },
  'dbwindow.notRunning.fix': { en: 'Deploy first (`slipway deploy {env}`), or see `slipway status {env}`.', 'zh-CN': '请先部署（`slipway deploy {env}`），或查看 `slipway status {env}`。' },
  'dbwindow.portBusy': { en: 'Cannot listen on 127.0.0.1:{port}: {reason}', 'zh-CN': '无法监听 127.0.0.1:{port}：{reason}' },
  'dbwindow.portBusy.fix': { en: 'Pick another --port, or leave it out for a free one.', 'zh-CN': '请换一个 --port，或省略它以使用空闲端口。' },

  'dbwindow.opened.aws': {
    en: 'The database {id} accepts connections from {cidr} until {until} (rule on {sg} + public access). Every slipway command on {env} after that time closes it; deploys are blocked until then.',
    'zh-CN': '数据库 {id} 在 {until} 前接受来自 {cidr} 的连接（{sg} 上的规则 + 公网访问）。此后 {env} 上的任何 slipway 命令都会关闭它；在此之前部署会被阻止。',
  },
  'dbwindow.opened.forward': {
    en: '127.0.0.1:{port} forwards to PostgreSQL on {where} (port {remote}) until {until}.',
    'zh-CN': '127.0.0.1:{port} 已转发到 {where} 上的 PostgreSQL（端口 {remote}），有效至 {until}。',
  },
  'dbwindow.url': { en: 'Connection', 'zh-CN': '连接串' },
  'dbwindow.psql': { en: 'With psql', 'zh-CN': '用 psql 连接' },
  'dbwindow.passwordLabel': { en: 'Password (never printed)', 'zh-CN': '密码（从不打印）' },
  'dbwindow.password.aws': {
    en: 'from the master secret: `export PGPASSWORD="$(aws secretsmanager get-secret-value --region {region} --secret-id {secret} --query SecretString --output text | jq -r .password)"`',
    'zh-CN': '来自主密钥：`export PGPASSWORD="$(aws secretsmanager get-secret-value --region {region} --secret-id {secret} --query SecretString --output text | jq -r .password)"`',
  },
  'dbwindow.password.local': { en: 'in {file}: `export PGPASSWORD="$(cat {file})"`', 'zh-CN': '位于 {file}：`export PGPASSWORD="$(cat {file})"`' },
  'dbwindow.password.ssh': { en: 'in {file} on {where}: `export PGPASSWORD="$(ssh <user@host> cat {file})"`', 'zh-CN': '位于 {where} 上的 {file}：`export PGPASSWORD="$(ssh <user@host> cat {file})"`' },
  'dbwindow.caMissing': {
    en: 'The RDS CA bundle is not at {path}: curl -o {path} https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem (or set PGSSLROOTCERT to where it is).',
    'zh-CN': 'RDS CA 证书包不在 {path}：curl -o {path} https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem（或把 PGSSLROOTCERT 设为它所在的位置）。',
  },
  'dbwindow.holdHint': { en: 'Open until {until}, or until Ctrl-C or `slipway db close {env}`.', 'zh-CN': '开放至 {until}，或直到按下 Ctrl-C 或运行 `slipway db close {env}`。' },
  'dbwindow.closeHint': { en: 'Close it earlier with `slipway db close {env}`.', 'zh-CN': '可提前用 `slipway db close {env}` 关闭。' },
  'dbwindow.closed.ttl': { en: 'The window of {env} closed: its time is up.', 'zh-CN': '{env} 的窗口已关闭：时间已到。' },
  'dbwindow.closed.closed': { en: 'The window of {env} closed: `slipway db close` ended it.', 'zh-CN': '{env} 的窗口已关闭：被 `slipway db close` 结束。' },
  'dbwindow.closed.interrupted': { en: 'The window of {env} closed: interrupted.', 'zh-CN': '{env} 的窗口已关闭：被中断。' },
  'dbwindow.closedNow': { en: 'Closed the database window of {env} (it was open until {until}, opened by {user}@{machine}).', 'zh-CN': '已关闭 {env} 的数据库窗口（原定开放至 {until}，由 {user}@{machine} 打开）。' },
  'dbwindow.none': { en: 'No database window of {env} is open.', 'zh-CN': '{env} 没有开放的数据库窗口。' },
  'dbwindow.swept': {
    en: 'Closed the database window of {env} that was open until {until} (opened by {user}@{machine}): its time was up, or its `db open` died.',
    'zh-CN': '已关闭 {env} 开放至 {until} 的数据库窗口（由 {user}@{machine} 打开）：时间已到，或打开它的 `db open` 已中止。',
  },
  'dbwindow.sweepFailed': { en: 'Could not close the expired database window of {env}: {reason} (run `slipway db close {env}`).', 'zh-CN': '无法关闭 {env} 已过期的数据库窗口：{reason}（请运行 `slipway db close {env}`）。' },

  'checks.aws.dbWindowNone': { en: 'No `slipway db open` window is open', 'zh-CN': '没有 `slipway db open` 打开的窗口' },
  'checks.aws.dbWindowOpen': { en: 'The database of {env} is open to {cidr} until {until}', 'zh-CN': '{env} 的数据库在 {until} 前向 {cidr} 开放' },
  'checks.aws.dbWindowOpen.evidence': { en: '`slipway db open` by {user}@{machine}, lease {lease}.', 'zh-CN': '由 {user}@{machine} 执行 `slipway db open`，租约 {lease}。' },
  'checks.aws.dbWindowOpen.fix': {
    en: 'Deploy after {until}, or close the window first: `slipway db close {env}`.',
    'zh-CN': '请在 {until} 之后部署，或先关闭窗口：`slipway db close {env}`。',
  },
};

registerCatalog(dbWindow);
