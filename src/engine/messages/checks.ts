/**
 * Preflight messages. A finding variant `K` has a title `K`, `K.evidence` and often
 * `K.fix`; each entry is [English, 简体中文]. Registered when the module loads.
 */
import { registerCatalog, type Catalog } from '../i18n.js';

type Pair = [en: string, zh: string];
export const checks: Catalog = {};

function v(key: string, title: Pair, evidence?: Pair, fix?: Pair): void {
  checks[key] = { en: title[0], 'zh-CN': title[1] };
  if (evidence) checks[`${key}.evidence`] = { en: evidence[0], 'zh-CN': evidence[1] };
  if (fix) checks[`${key}.fix`] = { en: fix[0], 'zh-CN': fix[1] };
}

// report
v('checks.area.config', ['Configuration and secrets', '配置与密钥']);
v('checks.area.env', ['Env contract', '环境变量契约']);
v('checks.area.app', ['App build', '应用构建']);
v('checks.area.docker', ['Container image', '容器镜像']);
v('checks.area.host', ['Host', '主机']);
v('checks.area.domains', ['Domains and TLS', '域名与 TLS']);
v('checks.area.storage', ['Object storage / CDN', '对象存储 / CDN']);
v('checks.area.aws', ['AWS', 'AWS']);
v('checks.area.safety', ['Safety net', '安全网']);
v('checks.area.window', ['Change window', '变更窗口']);
v('checks.report.header', ['Preflight for {env} ({target})', '部署前检查：{env}（{target}）']);
v('checks.report.go', ['GO: no blockers ({warnings} warnings) in {ms} ms', '可以部署：没有阻断项（{warnings} 个警告），用时 {ms} ms']);
v('checks.report.goAccepted', ['GO with accepted risks: {accepted}', '可以部署（已接受风险：{accepted}）']);
v('checks.report.noGo', ['NO-GO: {blockers} blocker(s), {warnings} warning(s) in {ms} ms', '不可部署：{blockers} 个阻断项，{warnings} 个警告，用时 {ms} ms']);
v('checks.report.noGoHint', ['Fix the blockers, or accept one knowingly with --accept-risk <id>.', '请修复阻断项，或在知情的前提下用 --accept-risk <id> 接受该风险。']);
v('checks.report.fix', ['fix', '修复']);
v('checks.report.accepted', ['accepted', '已接受']);
v('checks.report.blocker', ['blocker', '阻断']);
v('checks.report.warning', ['warning', '警告']);
v('checks.report.info', ['info', '提示']);
v('checks.report.passed', ['passed', '通过']);

// engine
v('checks.timedOut', ['Check {check} did not finish', '检查 {check} 未能完成'], ['Stopped waiting after {ms} ms; the result is unknown.', '等待 {ms} ms 后放弃，结果未知。'], ['Rerun; if it keeps timing out, check the network path to the resource.', '请重试；若持续超时，请检查到该资源的网络。']);
v('checks.crashed', ['Check {check} could not run', '检查 {check} 无法运行'], ['{reason}', '{reason}'], ['Rerun with --verbose and report the error if it persists.', '使用 --verbose 重试；如持续出现请报告该错误。']);
v('checks.skippedByConfig', ['Check {check} skipped', '已跳过检查 {check}'], ['Listed in check.skip of this environment.', '该环境的 check.skip 中列出了它。']);
v('checks.acceptUnused', ['--accept-risk {entry} matched no blocker', '--accept-risk {entry} 没有匹配任何阻断项'], ['No blocker has this id (or id:subject).', '没有阻断项具有此 id（或 id:对象）。'], ['Check the id in the report; ids look like tls.expiry or env.contract.unset.', '请核对报告中的 id，例如 tls.expiry 或 env.contract.unset。']);

// config and secrets
v('checks.secrets.missing', ['{count} secret(s) have no value', '{count} 个密钥没有取值'], ['Missing: {names}.', '缺少：{names}。'], ['Export them in the environment or add them to {file} (KEY=value per line). Values are never printed.', '在环境变量中导出，或写入 {file}（每行 KEY=value）。密钥值不会被打印。']);
v('checks.secrets.ok', ['All secrets have values', '所有密钥均有取值'], ['{count} secret(s) declared, all set.', '声明了 {count} 个密钥，均已设置。']);
v('checks.dbPassword.none', ['No user-supplied database password', '没有用户提供的数据库密码'], ['No secret named like DB_PASSWORD; the target generates one.', '没有类似 DB_PASSWORD 的密钥；由部署目标生成。']);
v('checks.dbPassword.ok', ['{name} meets the RDS password rules', '{name} 符合 RDS 密码规则'], ['8–128 characters, none of @ " / or space.', '8–128 个字符，不含 @ " / 或空格。']);
v('checks.dbPassword.bad', ['{name} breaks the RDS password rules', '{name} 不符合 RDS 密码规则'], ['{name}: {problems}. RDS rejects it with "MasterUserPassword is not a valid password".', '{name}：{problems}。RDS 会报错 “MasterUserPassword is not a valid password”。'], ['Use 8–128 printable ASCII characters without @ " / or spaces, e.g. `openssl rand -base64 24 | tr -d "/+=@"`.', '使用 8–128 个可打印 ASCII 字符，不含 @ " / 和空格，例如 `openssl rand -base64 24 | tr -d "/+=@"`。']);
v('checks.tlsVerify.off', ['TLS verification is turned off', 'TLS 证书校验被关闭'], ['Found in: {where}.', '出现在：{where}。'], ['Remove NODE_TLS_REJECT_UNAUTHORIZED=0 and sslmode=disable/no-verify. Verify the database certificate instead: on aws slipway sets PGSSLMODE=verify-full and points PGSSLROOTCERT and NODE_EXTRA_CA_CERTS at the RDS CA bundle, so a stock pg client verifies it; in code use `ssl: { ca }`, never `rejectUnauthorized: false`.', '删除 NODE_TLS_REJECT_UNAUTHORIZED=0 和 sslmode=disable/no-verify，改为校验数据库证书：在 aws 上 slipway 设置 PGSSLMODE=verify-full，并把 PGSSLROOTCERT 和 NODE_EXTRA_CA_CERTS 指向 RDS CA 证书包，普通 pg 客户端即可校验；代码中请用 `ssl: { ca }`，绝不用 `rejectUnauthorized: false`。']);
v('checks.tlsVerify.ok', ['TLS verification stays on', 'TLS 证书校验保持开启'], ['No NODE_TLS_REJECT_UNAUTHORIZED=0 or sslmode=disable/no-verify in env, secrets or .env files.', 'env、密钥与 .env 文件中没有 NODE_TLS_REJECT_UNAUTHORIZED=0 或 sslmode=disable/no-verify。']);
v('checks.plainSecret.found', ['Secret-looking values in plain env', '普通 env 中有疑似密钥的值'], ['Plain env (written to logs and state): {names}.', '普通 env（会写入日志和状态）：{names}。'], ['Move them to `secrets:` and supply the values through the environment or .env.<env>.', '把它们移到 `secrets:`，通过环境变量或 .env.<环境> 提供取值。']);
v('checks.plainSecret.ok', ['No secrets in plain env', '普通 env 中没有密钥'], ['No plain variable looks like a password, token or URL with credentials.', '没有普通变量像密码、令牌或带凭据的 URL。']);
v('checks.encoding.bad', ['{file} is not UTF-8', '{file} 不是 UTF-8 编码'], ['It looks like {encoding}; first bad byte on line {line}. AWS CLI / CloudFormation fail with "codec can\'t decode".', '看起来是 {encoding}，第 {line} 行首次出现非法字节。AWS CLI / CloudFormation 会报 “codec can\'t decode”。'], ['Convert it: `iconv -f {encoding} -t UTF-8 {file} > tmp && mv tmp {file}` (or "Save with encoding → UTF-8").', '转换编码：`iconv -f {encoding} -t UTF-8 {file} > tmp && mv tmp {file}`（或在编辑器中“以 UTF-8 编码保存”）。']);
v('checks.encoding.ok', ['Config and templates are UTF-8', '配置与模板均为 UTF-8'], ['{count} file(s) checked.', '已检查 {count} 个文件。']);

// env contract
v('checks.env.unset', ['{name} is read by the app but not provided', '应用读取 {name}，但部署未提供'], ['Read without a fallback at {where}; not in env, secrets or what the target sets.', '在 {where} 读取且没有默认值；env、secrets 与部署目标都未提供。'], ['Add {name} to env or secrets of this environment.', '在该环境的 env 或 secrets 中添加 {name}。']);
v('checks.env.unsetHint', ['{name} is read by the app but not provided', '应用读取 {name}，但部署未提供'], ['Read without a fallback at {where}. The deployment provides a similar name:{hint}', '在 {where} 读取且没有默认值。部署提供了一个相近的名字：{hint}'], ['Rename the configured variable to {name} (the name the code reads).', '把配置中的变量改名为 {name}（代码读取的名字）。']);
v('checks.env.default', ['{name} is not provided; the app falls back to a default', '部署未提供 {name}，应用将使用默认值'], ['Read with a fallback at {where}.{hint}', '在 {where} 读取并带有默认值。{hint}'], ['Set {name} explicitly if the default is not right for this environment.', '如默认值不适合该环境，请显式设置 {name}。']);
v('checks.env.unused', ['{name} is provided but never read', '提供了 {name}，但应用从未读取'], ['No read of {name} in the app source.', '应用源码中没有读取 {name}。'], ['Remove it, or check the name the code expects.', '删除它，或核对代码期望的名字。']);
v('checks.env.unusedHint', ['{name} is provided but never read — did you mean {hint}?', '提供了 {name}，但从未读取——是否应为 {hint}？'], ['The app reads {hint}, not {name}.', '应用读取的是 {hint}，不是 {name}。'], ['Rename {name} to {hint} in the configuration.', '在配置中把 {name} 改名为 {hint}。']);
v('checks.env.dynamic', ['Some env names are computed at run time', '部分环境变量名在运行时计算'], ['process.env[expression] at {where}; those names cannot be checked.', '{where} 处使用了 process.env[表达式]，这些名字无法检查。']);
v('checks.env.ok', ['Every env name the app reads is provided', '应用读取的每个环境变量都已提供'], ['{count} name(s) read in {files} file(s).', '{files} 个文件中读取了 {count} 个名字。']);
v('checks.env.scanFailed', ['Could not read the app source', '无法读取应用源码'], ['{dir}: {reason}', '{dir}：{reason}'], ['Check app.dir in the configuration.', '检查配置中的 app.dir。']);
v('checks.env.parseFailed', ['Some source files could not be parsed', '部分源文件无法解析'], ['Skipped: {files}.', '已跳过：{files}。']);
v('checks.env.noReads', ['No environment reads found in the app', '应用中未发现环境变量读取'], ['Scanned {files} file(s) under {dir}; the env contract was not checked.', '扫描了 {dir} 下 {files} 个文件；未能检查环境变量契约。'], ['Check app.dir points at the app source (not only dist/).', '确认 app.dir 指向应用源码（而不只是 dist/）。']);

// app build
v('checks.app.pkgMissing', ['No package.json in the app directory', '应用目录中没有 package.json'], ['{dir}', '{dir}'], ['Point app.dir at the Node.js app.', '让 app.dir 指向 Node.js 应用目录。']);
v('checks.app.pkgInvalid', ['package.json cannot be read', '无法读取 package.json'], ['{dir}: {reason}', '{dir}：{reason}'], ['Fix the JSON syntax of package.json.', '修正 package.json 的 JSON 语法。']);
v('checks.app.devServer', ['The start command runs a development server', '启动命令运行的是开发服务器'], ['`{command}` (from app.start `{start}`) watches files or compiles on the fly.', '`{command}`（来自 app.start `{start}`）会监听文件或即时编译。'], ['Build once and start the output, e.g. app.build: `npm run build`, app.start: `node dist/server.js`.', '先构建再启动产物，例如 app.build: `npm run build`，app.start: `node dist/server.js`。']);
v('checks.app.noScript', ['package.json has no "{script}" script', 'package.json 中没有 "{script}" 脚本'], ['app.start is `{start}`.', 'app.start 为 `{start}`。'], ['Add "{script}" to scripts in package.json, or change app.start.', '在 package.json 的 scripts 中添加 "{script}"，或修改 app.start。']);
v('checks.app.startOk', ['The start command is runnable', '启动命令可以运行'], ['`{command}`', '`{command}`']);
v('checks.app.startBuilt', ['The start file is produced by the build', '启动文件由构建生成'], ['{file} comes from {source} via `{build}`.', '{file} 由 `{build}` 从 {source} 生成。']);
v('checks.app.startUnsure', ['Cannot confirm the build produces {file}', '无法确认构建会生成 {file}'], ['{file} does not exist and no source maps to it; build is `{build}`.', '{file} 不存在，也找不到对应的源文件；构建命令为 `{build}`。'], ['Run the build locally and check that {file} appears.', '在本地运行构建，确认会生成 {file}。']);
v('checks.app.startNeedsBuild', ['{file} does not exist and no build is configured', '{file} 不存在，且未配置构建'], ['app.start `{start}` runs {file}, which only a build produces.', 'app.start `{start}` 运行 {file}，它只能由构建生成。'], ['Set app.build, e.g. `npm run build`.', '设置 app.build，例如 `npm run build`。']);
v('checks.app.startMissing', ['The start file {file} does not exist', '启动文件 {file} 不存在'], ['app.start is `{start}`.', 'app.start 为 `{start}`。'], ['Fix the path in app.start.', '修正 app.start 中的路径。']);
v('checks.app.startUnknown', ['The start command was not analysed', '未分析启动命令'], ['`{command}` is neither an npm script nor `node <file>`.', '`{command}` 既不是 npm 脚本，也不是 `node <文件>`。']);
v('checks.app.noEngines', ['package.json declares no engines.node', 'package.json 未声明 engines.node'], ['The Node version the app needs is unknown.', '应用所需的 Node 版本未知。'], ['Add "engines": { "node": ">=20" }.', '添加 "engines": { "node": ">=20" }。']);
v('checks.app.enginesOk', ['Target Node {version} satisfies engines.node {range}', '目标 Node {version} 满足 engines.node {range}'], ['Version from {source}.', '版本来自 {source}。']);
v('checks.app.enginesBad', ['Target Node {version} does not satisfy engines.node {range}', '目标 Node {version} 不满足 engines.node {range}'], ['Version from {source}.', '版本来自 {source}。'], ['Install a Node version within {range} on the target (or the image), or relax engines.node.', '在目标（或镜像）上安装符合 {range} 的 Node 版本，或放宽 engines.node。']);
v('checks.app.enginesUnknown', ['The target Node version is unknown', '目标 Node 版本未知'], ['engines.node is {range}; {source} gave no version.', 'engines.node 为 {range}；{source} 未返回版本。'], ['Make sure node is installed on the target (for containers: FROM node:<major>).', '确认目标已安装 node（容器：FROM node:<主版本>）。']);
v('checks.app.enginesUnreadable', ['engines.node {range} could not be read', '无法解析 engines.node {range}'], ['Target Node is {version}.', '目标 Node 为 {version}。']);
v('checks.app.lockOk', ['{file} pins the dependencies; installed with {pm}', '{file} 固定了依赖版本；使用 {pm} 安装'], ['{file} belongs to {pm}; other lockfiles: {others}.', '{file} 属于 {pm}；其他锁文件：{others}。']);
v(
  'checks.app.lockManagerMissing',
  ['{file} needs {pm}, which {where} cannot run', '{file} 需要 {pm}，但 {where} 无法运行它'],
  ['`corepack {pm} --version` failed on {where}: {reason}. Installing with npm would ignore the pins in {file}.', '在 {where} 上 `corepack {pm} --version` 失败：{reason}。改用 npm 安装会忽略 {file} 中固定的版本。'],
  [
    'Make corepack work on {where} (`npm install -g corepack`, and network access to the npm registry the first time), or set app.install to the command that installs with {pm} there.',
    '在 {where} 上让 corepack 可用（`npm install -g corepack`，首次使用需能访问 npm 仓库），或把 app.install 设为在那里用 {pm} 安装依赖的命令。',
  ],
);
v('checks.app.migrateSet', ['Migrations run with `{command}`', '数据库迁移通过 `{command}` 执行'], ['Set in database.migrate.', '在 database.migrate 中设置。']);
v(
  'checks.app.migrateMissing',
  ['The app has {tool} migrations but no migrate command is set', '应用有 {tool} 数据库迁移，但未设置迁移命令'],
  ['database.migrate is empty: a deploy would run the new code against the old schema.', 'database.migrate 为空：部署会让新代码运行在旧的数据库结构上。'],
  ['Set database.migrate: {command}', '设置 database.migrate: {command}'],
);
v(
  'checks.app.migrateUnknown',
  ['The app has migrations ({tool}) but no migrate command is set', '应用有数据库迁移（{tool}），但未设置迁移命令'],
  ['database.migrate is empty: a deploy would run the new code against the old schema.', 'database.migrate 为空：部署会让新代码运行在旧的数据库结构上。'],
  ['Set database.migrate to the command that applies them (e.g. an npm script).', '把 database.migrate 设为执行这些迁移的命令（例如一个 npm 脚本）。'],
);
v('checks.app.noLock', ['No lockfile', '没有锁文件'], ['No package-lock.json, npm-shrinkwrap.json, yarn.lock or pnpm-lock.yaml; each release may install different versions.', '没有 package-lock.json、npm-shrinkwrap.json、yarn.lock 或 pnpm-lock.yaml；每次发布可能安装不同版本。'], ['Run `npm install` and commit package-lock.json.', '运行 `npm install` 并提交 package-lock.json。']);

// docker
v('checks.docker.missing', ['No Dockerfile', '没有 Dockerfile'], ['{file} does not exist.', '{file} 不存在。'], ['Add a Dockerfile (see examples/shop-api/Dockerfile) or set app.dockerfile.', '添加 Dockerfile（参见 examples/shop-api/Dockerfile）或设置 app.dockerfile。']);
v('checks.docker.exposeOk', ['The image exposes port {port}', '镜像暴露端口 {port}'], ['EXPOSE {port} matches app.port.', 'EXPOSE {port} 与 app.port 一致。']);
v('checks.docker.exposeWrong', ['The image exposes {exposed}, not app.port {port}', '镜像暴露的是 {exposed}，不是 app.port {port}'], ['The task definition maps app.port {port}.', '任务定义映射的是 app.port {port}。'], ['Make the app listen on PORT and use `EXPOSE {port}`, or change app.port.', '让应用监听 PORT 并使用 `EXPOSE {port}`，或修改 app.port。']);
v('checks.docker.exposeNone', ['The Dockerfile has no EXPOSE', 'Dockerfile 中没有 EXPOSE'], ['app.port is {port}.', 'app.port 为 {port}。'], ['Add `EXPOSE {port}`.', '添加 `EXPOSE {port}`。']);
v('checks.docker.noCmd', ['The Dockerfile has no CMD', 'Dockerfile 中没有 CMD'], ['The final stage sets neither CMD nor ENTRYPOINT.', '最终阶段没有设置 CMD 或 ENTRYPOINT。'], ['Add e.g. `CMD ["node", "dist/server.js"]`.', '添加例如 `CMD ["node", "dist/server.js"]`。']);
v('checks.docker.devCmd', ['The container starts a development server', '容器启动的是开发服务器'], ['CMD `{cmd}` (line {line}).', 'CMD `{cmd}`（第 {line} 行）。'], ['Build in the image and run the output: `CMD ["node", "dist/server.js"]`.', '在镜像中构建并运行产物：`CMD ["node", "dist/server.js"]`。']);
v('checks.docker.cmdOk', ['The container start command is a production one', '容器启动命令适用于生产'], ['`{cmd}`', '`{cmd}`']);
v('checks.docker.noBuild', ['The TypeScript app is never built in the image', '镜像中从未构建 TypeScript 应用'], ['No RUN npm run build / tsc before `{cmd}`.', '在 `{cmd}` 之前没有 RUN npm run build / tsc。'], ['Add `RUN npm ci && npm run build` before the final stage copies dist/.', '在最终阶段复制 dist/ 之前添加 `RUN npm ci && npm run build`。']);
v('checks.docker.buildNoDev', ['The image build drops dev dependencies before compiling', '镜像在编译前去掉了开发依赖'], ['Line {line} installs production dependencies only; the build on line {build} then lacks typescript and @types (the runbook\'s "npm run build did not complete").', '第 {line} 行只安装生产依赖，第 {build} 行的构建因此缺少 typescript 和 @types（运行手册中的 “npm run build did not complete”）。'], ['Use `npm ci` in the build stage; install `--omit=dev` only in the runtime stage.', '构建阶段使用 `npm ci`；仅在运行阶段使用 `--omit=dev`。']);
v('checks.docker.buildOk', ['The image builds the TypeScript app', '镜像会构建 TypeScript 应用'], ['Build step on line {line}.', '构建步骤在第 {line} 行。']);
v('checks.docker.copyEnv', ['The Dockerfile copies .env files into the image', 'Dockerfile 把 .env 文件复制进镜像'], ['COPY/ADD of .env on line(s) {lines}; anyone who pulls the image reads the secrets.', '第 {lines} 行 COPY/ADD 了 .env；任何能拉取镜像的人都能读到密钥。'], ['Remove it; slipway passes env and secrets to the task definition.', '删除该行；slipway 会把 env 和密钥传给任务定义。']);
v('checks.docker.noIgnore', ['No .dockerignore', '没有 .dockerignore'], ['`COPY . .` would put .env files and node_modules into the image.', '`COPY . .` 会把 .env 文件和 node_modules 放进镜像。'], ['Add a .dockerignore with `.env*`, `node_modules`, `.git`.', '添加 .dockerignore，包含 `.env*`、`node_modules`、`.git`。']);
v('checks.docker.ignoreEnv', ['.dockerignore does not exclude .env files', '.dockerignore 未排除 .env 文件'], ['.env or .env.production would be sent to the build.', '.env 或 .env.production 会被发送到构建上下文。'], ['Add `.env*` to .dockerignore.', '在 .dockerignore 中添加 `.env*`。']);
v('checks.docker.ignoreOk', ['.dockerignore excludes .env files', '.dockerignore 排除了 .env 文件']);

// host
v('checks.host.noHost', ['No host to check', '没有可检查的主机'], ['The target gave no host connection.', '部署目标未提供主机连接。'], ['Check the SSH settings of this environment.', '检查该环境的 SSH 设置。']);
v('checks.host.cpuOk', ['CPU load {percent}% (max {max}%)', 'CPU 负载 {percent}%（上限 {max}%）'], ['1-minute load {load} on {cores} core(s).', '1 分钟负载 {load}，{cores} 个核心。']);
v('checks.host.cpuHigh', ['CPU load {percent}% is above {max}%', 'CPU 负载 {percent}% 超过 {max}%'], ['1-minute load {load} on {cores} core(s); a deploy (install, build) adds more.', '1 分钟负载 {load}，{cores} 个核心；部署（安装、构建）会进一步增加负载。'], ['Find the busy processes (`top`), wait for a quieter moment, or raise check.maxCpuLoadPercent.', '用 `top` 找出繁忙进程，等待负载下降，或调高 check.maxCpuLoadPercent。']);
v('checks.host.cpuUnknown', ['CPU load could not be read', '无法读取 CPU 负载'], ['/proc/loadavg or nproc unavailable on {host}.', '{host} 上无法读取 /proc/loadavg 或 nproc。']);
v('checks.host.memOk', ['Memory {percent}% used (max {max}%)', '内存使用 {percent}%（上限 {max}%）'], ['{availableMb} MB available of {totalMb} MB.', '共 {totalMb} MB，可用 {availableMb} MB。']);
v('checks.host.memHigh', ['Memory {percent}% used is above {max}%', '内存使用 {percent}% 超过 {max}%'], ['{availableMb} MB available of {totalMb} MB; two releases run side by side during the switch.', '共 {totalMb} MB，仅 {availableMb} MB 可用；切换期间新旧两个发布会同时运行。'], ['Stop unneeded processes or add memory/swap.', '停止不需要的进程，或增加内存/交换空间。']);
v('checks.host.memUnknown', ['Memory use could not be read', '无法读取内存使用情况'], ['/proc/meminfo unavailable on {host}.', '{host} 上无法读取 /proc/meminfo。']);
v('checks.host.diskOk', ['Disk: {freeGb} GB ({freePercent}%) free', '磁盘：剩余 {freeGb} GB（{freePercent}%）'], ['{dir} on {mount}; needs ≥ {minPercent}% and ≥ {minGb} GB.', '{dir} 位于 {mount}；需要 ≥ {minPercent}% 且 ≥ {minGb} GB。']);
v('checks.host.diskLow', ['Disk space low: {freeGb} GB ({freePercent}%) free', '磁盘空间不足：剩余 {freeGb} GB（{freePercent}%）'], ['{dir} on {mount}; needs ≥ {minPercent}% and ≥ {minGb} GB for releases, node_modules and backups.', '{dir} 位于 {mount}；发布、node_modules 和备份需要 ≥ {minPercent}% 且 ≥ {minGb} GB。'], ['Free space: old releases (`slipway releases`), logs, `npm cache clean --force`, `docker system prune`.', '释放空间：旧发布（`slipway releases`）、日志、`npm cache clean --force`、`docker system prune`。']);
v('checks.host.diskUnknown', ['Free disk space could not be read', '无法读取磁盘剩余空间'], ['`df -Pk {dir}` failed.', '`df -Pk {dir}` 执行失败。']);
v('checks.host.portFree', ['Port {port} is free', '端口 {port} 空闲']);
v('checks.host.portOwn', ['Port {port} is held by this environment', '端口 {port} 由本环境占用'], ['Listening pid(s) {pids} belong to this environment.', '监听进程 {pids} 属于本环境。']);
v('checks.host.portTaken', ['Port {port} is taken by another process', '端口 {port} 被其他进程占用'], ['Held by {procs} (pid {pids}).', '被 {procs}（pid {pids}）占用。'], ['Stop that process or choose another `port` for this environment.', '停止该进程，或为该环境选择其他 `port`。']);
v('checks.host.portTakenUnknown', ['Port {port} is in use', '端口 {port} 已被占用'], ['Something listens on {port}; its owner could not be seen.', '有进程在监听 {port}，但无法看到其所有者。'], ['Find it with `ss -ltnp` (as root) and stop it, or choose another `port`.', '以 root 运行 `ss -ltnp` 找到并停止它，或选择其他 `port`。']);
v('checks.host.portUnknownHolder', ['Port {port} is in use; holder unknown', '端口 {port} 已被占用，占用者未知'], ['It may be this environment\'s own process; the pid could not be seen.', '可能是本环境自己的进程，但无法看到 pid。']);
v('checks.host.portUnchecked', ['Port {port} was not checked', '未检查端口 {port}'], ['`ss` is not available on the host.', '主机上没有 `ss`。']);
v('checks.host.nodeOk', ['Node {version} on the target', '目标上的 Node 版本为 {version}']);
v('checks.host.nodeOld', ['Node {version} is older than 18', 'Node {version} 低于 18'], ['The app and slipway need Node ≥ 18.', '应用和 slipway 需要 Node ≥ 18。'], ['Install Node 20 LTS (e.g. from NodeSource or nvm, linked into /usr/local/bin).', '安装 Node 20 LTS（例如通过 NodeSource 或 nvm，并链接到 /usr/local/bin）。']);
v('checks.host.nodeMissing', ['node is not on the non-interactive PATH', '非交互 PATH 中找不到 node'], ['`node --version` failed on {host}; nvm installs are only on interactive shells\' PATH.', '{host} 上 `node --version` 失败；nvm 安装的 node 只在交互式 shell 的 PATH 中。'], ['Install Node system-wide, or link it: `ln -s "$(which node)" /usr/local/bin/node`.', '全局安装 Node，或建立链接：`ln -s "$(which node)" /usr/local/bin/node`。']);
v('checks.host.npmOk', ['npm {version} found', '找到 npm {version}']);
v('checks.host.npmMissing', ['npm is not on the non-interactive PATH', '非交互 PATH 中找不到 npm'], ['`npm --version` failed on {host}.', '{host} 上 `npm --version` 失败。'], ['Install npm with Node, or link it into /usr/local/bin.', '随 Node 安装 npm，或把它链接到 /usr/local/bin。']);
v('checks.host.pmBuiltin', ['Process manager: slipway\'s built-in supervisor', '进程管理：slipway 内置的守护进程'], ['slipway supervises the releases itself; PM2 is not needed.', 'slipway 自行守护各个发布，不需要 PM2。']);
v('checks.host.portTakenPm2', ['Port {port} is held by a PM2 app', '端口 {port} 被 PM2 应用占用'], ['PM2 app {apps} (pid {pids}).', 'PM2 应用 {apps}（pid {pids}）。'], ['To move it onto slipway without downtime: deploy on another `port`, switch nginx to it, then `pm2 delete` the old app (docs/ssh.md, "Moving an app that PM2 runs today").', '无停机迁移到 slipway：先用另一个 `port` 部署，把 nginx 切到该端口，再 `pm2 delete` 旧应用（docs/ssh.md「把目前由 PM2 运行的应用迁移到 slipway」）。']);
v('checks.host.pgOk', ['PostgreSQL {major} server binaries on {host}', '{host} 上有 PostgreSQL {major} 服务端程序'], ['{dir}', '{dir}']);
v('checks.host.pgMissing', ['PostgreSQL {major} server binaries are missing on {host}', '{host} 上缺少 PostgreSQL {major} 服务端程序'], ['slipway runs this environment\'s database there (database.mode: managed) and installs no packages by itself.', '该环境的数据库由 slipway 在那台机器上运行（database.mode: managed），slipway 不会自行安装软件包。'], ['On {host}, as root: `{command}`. Or use a database you run: `database: { mode: external }` with DATABASE_URL as a secret.', '在 {host} 上以 root 运行：`{command}`。或者使用你自己运行的数据库：`database: { mode: external }`，并把 DATABASE_URL 设为密钥。']);
v('checks.host.nginxOk', ['nginx sends {domain} to the stable port {port}', 'nginx 把 {domain} 转发到稳定端口 {port}']);
v('checks.host.nginxNoServer', ['nginx has no server block for {domain}', 'nginx 没有 {domain} 的 server 块'], ['`nginx -T` names no server_name matching {domain}.', '`nginx -T` 中没有匹配 {domain} 的 server_name。'], ['Add a server block for {domain} with `proxy_pass http://127.0.0.1:{port};` and reload nginx.', '为 {domain} 添加 server 块，写上 `proxy_pass http://127.0.0.1:{port};`，然后重新加载 nginx。']);
v('checks.host.nginxElsewhere', ['nginx sends {domain} elsewhere, not to the stable port {port}', 'nginx 把 {domain} 转发到别处，而不是稳定端口 {port}'], ['proxy_pass → {targets}', 'proxy_pass 指向 {targets}'], ['Point its proxy_pass at http://127.0.0.1:{port} (the port slipway keeps stable across releases) and reload nginx; until then the deploy does not reach users on {domain}.', '把它的 proxy_pass 指向 http://127.0.0.1:{port}（slipway 在各发布间保持不变的端口），然后重新加载 nginx；在此之前，部署不会影响 {domain} 上的用户。']);
v('checks.host.nginxUnread', ['nginx configuration not read on {host}', '未能读取 {host} 上的 nginx 配置'], ['`nginx -T` did not run (not installed, or not allowed).', '`nginx -T` 无法运行（未安装或没有权限）。']);
v('checks.host.clockUnchecked', ['Clock skew not checked', '未检查时钟偏差'], ['No domain is configured to compare with.', '未配置可用于比较的域名。']);
v('checks.host.clockOk', ['Clock within {skew} s of {domain}', '时钟与 {domain} 相差 {skew} 秒'], ['Compared with its HTTP Date header (max {max} s).', '与其 HTTP Date 头比较（上限 {max} 秒）。']);
v('checks.host.clockSkewed', ['Clock is {skew} s off', '时钟偏差 {skew} 秒'], ['Compared with the HTTP Date header of {domain} (max {max} s); TLS, tokens and AWS signatures fail with skewed clocks.', '与 {domain} 的 HTTP Date 头比较（上限 {max} 秒）；时钟偏差会导致 TLS、令牌和 AWS 签名失败。'], ['Enable time sync: `timedatectl set-ntp true` (or chrony).', '启用时间同步：`timedatectl set-ntp true`（或 chrony）。']);
v('checks.host.clockNoDate', ['Clock skew not checked', '未检查时钟偏差'], ['{domain} gave no Date header ({reason}).', '{domain} 没有返回 Date 头（{reason}）。']);

// domains and TLS
v('checks.dns.none', ['No domains configured', '未配置域名'], ['DNS and certificate checks did not run.', '未运行 DNS 与证书检查。']);
v('checks.dns.ok', ['{domain} resolves', '{domain} 解析正常'], ['{domain} → {addresses}', '{domain} → {addresses}']);
v('checks.dns.wrong', ['{domain} resolves to the wrong address', '{domain} 解析到错误的地址'], ['{domain} → {addresses}; expected {expected}.', '{domain} → {addresses}；应为 {expected}。'], ['Point the A record of {domain} at {expected} (and wait for the TTL), or fix expectAddress.', '把 {domain} 的 A 记录指向 {expected}（并等待 TTL 过期），或修正 expectAddress。']);
v('checks.dns.fail', ['{domain} does not resolve', '{domain} 无法解析'], ['{reason}', '{reason}'], ['Add an A/AAAA record for {domain} at your DNS provider.', '在 DNS 服务商处为 {domain} 添加 A/AAAA 记录。']);
v('checks.tls.handshake', ['TLS to {domain} fails', '{domain} 的 TLS 连接失败'], ['{endpoint}: {reason}', '{endpoint}：{reason}'], ['Check that port {port} serves HTTPS for {domain} (certificate installed, firewall open).', '确认端口 {port} 为 {domain} 提供 HTTPS（已安装证书、防火墙已放行）。']);
v('checks.tls.trusted', ['{domain}: certificate chain trusted', '{domain}：证书链可信'], ['Issued by {issuer}.', '签发者：{issuer}。']);
v('checks.tls.untrusted', ['{domain}: certificate is not trusted', '{domain}：证书不受信任'], ['{reason} (issuer {issuer}) at {endpoint}.', '{endpoint}：{reason}（签发者 {issuer}）。'], ['Install a certificate from a public CA (e.g. Let\'s Encrypt) with its full chain (fullchain.pem).', '安装公共 CA（如 Let\'s Encrypt）签发的证书及完整证书链（fullchain.pem）。']);
v('checks.tls.nameOk', ['{domain}: certificate covers the name', '{domain}：证书覆盖该域名']);
v('checks.tls.wrongName', ['{domain}: certificate is for another name', '{domain}：证书属于其他域名'], ['The certificate names {names}.', '证书包含的名字：{names}。'], ['Issue a certificate that includes {domain} (or a matching wildcard).', '签发包含 {domain}（或匹配的通配符）的证书。']);
v('checks.tls.expiryOk', ['{domain}: certificate valid for {days} days', '{domain}：证书还有 {days} 天有效'], ['Until {until}.', '有效期至 {until}。']);
v('checks.tls.expiresWarn', ['{domain}: certificate expires in {days} days', '{domain}：证书将在 {days} 天后过期'], ['Until {until} (warn below {warn} days).', '有效期至 {until}（少于 {warn} 天时警告）。'], ['Renew it soon (e.g. `certbot renew`) and check auto-renewal.', '尽快续期（例如 `certbot renew`），并检查自动续期。']);
v('checks.tls.expiresSoon', ['{domain}: certificate expires in {days} days', '{domain}：证书将在 {days} 天后过期'], ['Until {until} (blocker below {block} days).', '有效期至 {until}（少于 {block} 天时阻断）。'], ['Renew it now (e.g. `certbot renew`), then reload the web server.', '立即续期（例如 `certbot renew`），然后重新加载 Web 服务器。']);
v('checks.tls.expired', ['{domain}: certificate has expired', '{domain}：证书已过期'], ['Expired on {until}.', '已于 {until} 过期。'], ['Renew it now (e.g. `certbot renew`), then reload the web server.', '立即续期（例如 `certbot renew`），然后重新加载 Web 服务器。']);
v('checks.tls.notYetValid', ['{domain}: certificate is not valid yet', '{domain}：证书尚未生效'], ['Valid from {from}; check the clocks.', '生效时间为 {from}；请检查时钟。']);
v('checks.https.ok', ['{domain}: HTTPS answers', '{domain}：HTTPS 响应正常'], ['GET {path} → {status}', 'GET {path} → {status}']);
v('checks.https.badStatus', ['{domain}: {path} answers {status}', '{domain}：{path} 返回 {status}'], ['GET https://{domain}{path} via {endpoint}.', '通过 {endpoint} 请求 GET https://{domain}{path}。'], ['Check the service behind {domain} (logs, proxy configuration).', '检查 {domain} 背后的服务（日志、代理配置）。']);
v('checks.https.noAnswer', ['{domain}: HTTPS does not answer', '{domain}：HTTPS 无响应'], ['GET {path} via {endpoint}: {reason}', '通过 {endpoint} 请求 GET {path}：{reason}'], ['Check the web server and firewall for {domain}.', '检查 {domain} 的 Web 服务器与防火墙。']);

// storage
v('checks.storage.none', ['No object storage configured', '未配置对象存储']);
v('checks.storage.notContacted', ['{provider} was not contacted', '未连接 {provider}'], ['Preflight checks the storage configuration for consistency only; upload a test file after the deploy.', '部署前检查只核对存储配置的一致性；部署后请上传一个测试文件。']);
v('checks.storage.bucketOk', ['{provider} bucket {bucket}', '{provider} 存储桶 {bucket}']);
v('checks.storage.bucketInvalid', ['Bucket name {bucket} is not valid', '存储桶名 {bucket} 无效'], ['Bucket names are lower-case letters, digits and hyphens.', '存储桶名只能包含小写字母、数字和连字符。'], ['Use the exact bucket name from the provider console.', '使用服务商控制台中的准确存储桶名。']);
v('checks.storage.undeclared', ['Storage credentials are not declared as secrets', '存储凭据未声明为密钥'], ['Not in secrets: {names}.', '不在 secrets 中：{names}。'], ['Add them to `secrets:` of this environment.', '把它们加入该环境的 `secrets:`。']);
v('checks.storage.emptySecret', ['Storage credentials have no value', '存储凭据没有取值'], ['No value for: {names}.', '缺少取值：{names}。'], ['Set them in the environment or .env.<env>.', '在环境变量或 .env.<环境> 中设置。']);
v('checks.storage.secretsOk', ['Storage credentials present', '存储凭据齐全'], ['{names}', '{names}']);
v('checks.storage.noFormKey', ['Direct upload needs the form-API key', '直传需要表单 API 密钥'], ['directUpload is on but formApiKeySecret is not set.', 'directUpload 已开启，但未设置 formApiKeySecret。'], ['Set formApiKeySecret, or `directUpload: false`.', '设置 formApiKeySecret，或设为 `directUpload: false`。']);
v('checks.storage.cdnOk', ['CDN domain {domain}', 'CDN 域名 {domain}']);
v('checks.storage.cdnInvalid', ['CDN domain {domain} is not a host name', 'CDN 域名 {domain} 不是合法主机名'], ['Expected e.g. img.example.com (no scheme, no path).', '应为例如 img.example.com（不带协议和路径）。']);
v('checks.storage.cdnTestDomain', ['CDN domain {domain} is the provider\'s test domain', 'CDN 域名 {domain} 是服务商的测试域名'], ['Test domains are rate-limited and may expire.', '测试域名有限速且可能过期。'], ['Bind your own domain (e.g. img.example.com) with HTTPS in the provider console.', '在服务商控制台绑定自有域名（如 img.example.com）并开启 HTTPS。']);
v('checks.storage.stylesOk', ['Image styles: {styles}', '图片样式：{styles}']);
v('checks.storage.stylesNone', ['No image styles configured', '未配置图片样式'], ['The app may request styles such as thumb, preview, large.', '应用可能请求 thumb、preview、large 等样式。']);
v('checks.storage.stylesBad', ['Image styles are inconsistent', '图片样式配置不一致'], ['Invalid or duplicated: {styles}.', '无效或重复：{styles}。'], ['Use the style names exactly as created in the console.', '使用控制台中创建的样式名。']);
v('checks.storage.noCallback', ['No upload callback URL', '没有上传回调 URL'], ['Direct uploads need a callback to record the photo.', '直传需要回调以记录照片。'], ['Set callbackUrl, e.g. https://api.example.com/api/storage/callback.', '设置 callbackUrl，例如 https://api.example.com/api/storage/callback。']);
v('checks.storage.callbackUnused', ['No callback configured', '未配置回调'], ['Direct upload is off.', '直传未开启。']);
v('checks.storage.callbackInvalid', ['Callback URL {url} is not a URL', '回调 URL {url} 无效']);
v('checks.storage.callbackHttp', ['Callback URL is not HTTPS', '回调 URL 不是 HTTPS'], ['{url}', '{url}'], ['Use https:// on the API domain.', '在 API 域名上使用 https://。']);
v('checks.storage.callbackHost', ['Callback URL is not on the API domain', '回调 URL 不在 API 域名上'], ['{url}: host {host}; API domain(s): {api}.', '{url}：主机 {host}；API 域名：{api}。'], ['Use https://{api}/… as callbackUrl.', '把 callbackUrl 改为 https://{api}/…。']);
v('checks.storage.callbackNoApi', ['No API domain to check the callback against', '没有可用于核对回调的 API 域名'], ['{url} (host {host}); no domain has role api.', '{url}（主机 {host}）；没有 role 为 api 的域名。'], ['Add the API domain with `role: api` to domains.', '在 domains 中添加 `role: api` 的 API 域名。']);
v('checks.storage.callbackOk', ['Callback URL is HTTPS on the API domain', '回调 URL 使用 API 域名上的 HTTPS'], ['{url}', '{url}']);
v('checks.storage.noRegion', ['S3 storage has neither region nor endpoint', 'S3 存储既没有 region 也没有 endpoint'], undefined, ['Set region (AWS) or endpoint (S3-compatible).', '设置 region（AWS）或 endpoint（S3 兼容服务）。']);
v('checks.storage.regionOk', ['S3 region {region}', 'S3 区域 {region}']);
v('checks.storage.endpointOk', ['S3 endpoint {endpoint}', 'S3 端点 {endpoint}']);
v('checks.storage.endpointInvalid', ['S3 endpoint {endpoint} is not a URL', 'S3 端点 {endpoint} 不是合法 URL']);
v('checks.storage.endpointHttp', ['S3 endpoint is plain HTTP', 'S3 端点使用明文 HTTP'], ['{endpoint}', '{endpoint}'], ['Use the https:// endpoint.', '使用 https:// 端点。']);
v('checks.storage.regionMismatch', ['S3 endpoint and region disagree', 'S3 端点与区域不一致'], ['{endpoint} is in {endpointRegion}, region is {region}.', '{endpoint} 位于 {endpointRegion}，而 region 为 {region}。'], ['Make region match the bucket\'s region.', '让 region 与存储桶所在区域一致。']);

// aws
v('checks.aws.noCredentials', ['No AWS credentials', '没有 AWS 凭据'], ['No AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws configuration.', '没有 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY、AWS_PROFILE 或 ~/.aws 配置。'], ['Run `aws configure` or export AWS_PROFILE (for instance roles set SLIPWAY_AWS_DEFAULT_CHAIN=1).', '运行 `aws configure` 或导出 AWS_PROFILE（使用实例角色时设置 SLIPWAY_AWS_DEFAULT_CHAIN=1）。']);
v('checks.aws.identityFailed', ['AWS credentials do not work', 'AWS 凭据无效'], ['sts:GetCallerIdentity failed: {reason}', 'sts:GetCallerIdentity 失败：{reason}'], ['Check the keys, their expiry (SSO: `aws sso login`) and the endpoint.', '检查密钥及其有效期（SSO：`aws sso login`）和端点。']);
v('checks.aws.identityOk', ['AWS account {account}', 'AWS 账号 {account}'], ['{arn}', '{arn}']);
v('checks.aws.skipped', ['{check} not checked', '未检查 {check}'], ['No working AWS credentials (see aws.credentials).', '没有可用的 AWS 凭据（见 aws.credentials）。']);
v('checks.aws.couldNotVerify', ['{check} could not be verified', '无法验证 {check}'], ['{reason}', '{reason}'], ['Rerun; check network access and IAM permissions.', '请重试；检查网络访问与 IAM 权限。']);
v('checks.aws.regionOk', ['Region {region} with {count} zones', '区域 {region}，共 {count} 个可用区']);
v('checks.aws.regionZones', ['Region {region} has fewer than 2 zones', '区域 {region} 的可用区少于 2 个'], ['Available: {zones}. RDS needs subnets in 2 zones.', '可用：{zones}。RDS 需要位于 2 个可用区的子网。'], ['Choose another region.', '请选择其他区域。']);
v('checks.aws.regionEnv', ['AWS_REGION differs from the configured region', 'AWS_REGION 与配置的区域不同'], ['Config: {region}; environment: {envRegion}. slipway uses {region}.', '配置：{region}；环境变量：{envRegion}。slipway 使用 {region}。']);
v('checks.aws.engineOk', ['PostgreSQL {version} offered ({picked})', '提供 PostgreSQL {version}（{picked}）']);
v('checks.aws.engineMissing', ['PostgreSQL {version} is not offered in {region}', '{region} 不提供 PostgreSQL {version}'], ['RDS would fail with "Cannot find version {version} for postgres". Nearest offered: {suggestion}.', 'RDS 会报错 “Cannot find version {version} for postgres”。最接近的可用版本：{suggestion}。'], ['Set database.version to {suggestion} (list: `aws rds describe-db-engine-versions --engine postgres`).', '把 database.version 设为 {suggestion}（查看列表：`aws rds describe-db-engine-versions --engine postgres`）。']);
v('checks.aws.engineUnverified', ['PostgreSQL {version} could not be verified', '无法验证 PostgreSQL {version}'], ['DescribeDBEngineVersions failed: {reason}', 'DescribeDBEngineVersions 失败：{reason}'], ['Check with `aws rds describe-db-engine-versions --engine postgres --query "DBEngineVersions[].EngineVersion"`.', '用 `aws rds describe-db-engine-versions --engine postgres --query "DBEngineVersions[].EngineVersion"` 手动确认。']);
v('checks.aws.subnetsNew', ['Network will be created with 2 zones', '网络将在 2 个可用区中创建'], ['Stack {stack} does not exist yet.', '堆栈 {stack} 尚不存在。']);
v('checks.aws.subnetsNoOutput', ['Network stack has no PublicSubnet1Id/PublicSubnet2Id outputs', '网络堆栈没有 PublicSubnet1Id/PublicSubnet2Id 输出'], ['{stack}', '{stack}'], ['The stack was not made by this slipway version: `slipway destroy` it, or delete it, and deploy again to recreate it.', '该堆栈不是当前版本的 slipway 创建的：用 `slipway destroy` 或手动删除它，然后重新部署以重建。']);
v('checks.aws.subnetsOk', ['Subnets span {zones}', '子网分布在 {zones}'], ['{count} subnet(s) in {stack}.', '{stack} 中有 {count} 个子网。']);
v('checks.aws.subnetsOneAz', ['Subnets are all in one zone', '所有子网都在同一个可用区'], ['{count} subnet(s) of {stack} in {zones}; RDS fails with "doesn\'t meet Availability Zone (AZ) coverage requirement".', '{stack} 的 {count} 个子网都在 {zones}；RDS 会报错 “doesn\'t meet Availability Zone (AZ) coverage requirement”。'], ['Add a second subnet in another zone to the network stack.', '在网络堆栈中添加位于另一个可用区的第二个子网。']);
v('checks.aws.stacksNone', ['No stacks yet', '尚无堆栈'], ['No CloudFormation stack named {prefix}*; the first deploy creates them.', '没有名为 {prefix}* 的 CloudFormation 堆栈；首次部署会创建它们。']);
v('checks.aws.stacksOk', ['Stacks are stable', '堆栈状态稳定'], ['{stacks}', '{stacks}']);
v('checks.aws.stack.failed', ['Stack {stack} is {status}', '堆栈 {stack} 处于 {status}'], ['Last change {minutes} min ago.', '上次变更在 {minutes} 分钟前。'], ['Read the first failure: `aws cloudformation describe-stack-events --stack-name {stack} --region {region}`; fix it, then delete the stack (`aws cloudformation delete-stack --stack-name {stack}`) and deploy again.', '查看首个失败事件：`aws cloudformation describe-stack-events --stack-name {stack} --region {region}`；修复后删除堆栈（`aws cloudformation delete-stack --stack-name {stack}`）再重新部署。']);
v('checks.aws.stack.rollbackComplete', ['Stack {stack} is ROLLBACK_COMPLETE', '堆栈 {stack} 处于 ROLLBACK_COMPLETE'], ['Its creation failed and was rolled back; it cannot be updated.', '其创建失败并已回滚，无法再更新。'], ['Find the cause in `aws cloudformation describe-stack-events --stack-name {stack} --region {region}`, then `aws cloudformation delete-stack --stack-name {stack}` and deploy again.', '通过 `aws cloudformation describe-stack-events --stack-name {stack} --region {region}` 找到原因，然后 `aws cloudformation delete-stack --stack-name {stack}` 并重新部署。']);
v('checks.aws.stack.updateRollbackFailed', ['Stack {stack} is UPDATE_ROLLBACK_FAILED', '堆栈 {stack} 处于 UPDATE_ROLLBACK_FAILED'], ['An update failed and its rollback failed too; nothing can change the stack until it is recovered.', '一次更新失败且回滚也失败；恢复之前无法再更改该堆栈。'], ['Fix the resource named in the events, then `aws cloudformation continue-update-rollback --stack-name {stack} --region {region}` (add `--resources-to-skip <LogicalId>` for a resource that cannot be restored).', '修复事件中指出的资源，然后运行 `aws cloudformation continue-update-rollback --stack-name {stack} --region {region}`（无法恢复的资源可加 `--resources-to-skip <LogicalId>`）。']);
v('checks.aws.stack.deleteFailed', ['Stack {stack} is DELETE_FAILED', '堆栈 {stack} 处于 DELETE_FAILED'], ['A resource could not be deleted (often RDS DeletionProtection or a non-empty bucket).', '有资源无法删除（常见原因：RDS 删除保护或非空存储桶）。'], ['Remove the blocker (e.g. `aws rds modify-db-instance --db-instance-identifier <id> --no-deletion-protection`), then delete again, or retain it with `--retain-resources`.', '解除阻碍（例如 `aws rds modify-db-instance --db-instance-identifier <id> --no-deletion-protection`）后再次删除，或用 `--retain-resources` 保留该资源。']);
v('checks.aws.stack.stuck', ['Stack {stack} has been {status} for {minutes} min', '堆栈 {stack} 已处于 {status} {minutes} 分钟'], ['An operation that long is stuck (e.g. an ECS service that never stabilises).', '持续这么久的操作已卡住（例如 ECS 服务始终无法稳定）。'], ['Inspect `aws cloudformation describe-stack-events --stack-name {stack} --region {region}`; for an update run `aws cloudformation cancel-update-stack --stack-name {stack}`; check the ECS service events and task stop reasons.', '查看 `aws cloudformation describe-stack-events --stack-name {stack} --region {region}`；更新操作可运行 `aws cloudformation cancel-update-stack --stack-name {stack}`；并检查 ECS 服务事件与任务停止原因。']);
v('checks.aws.stack.busy', ['Stack {stack} is {status}', '堆栈 {stack} 处于 {status}'], ['Started {minutes} min ago; another operation is running.', '{minutes} 分钟前开始；另一个操作正在进行。'], ['Wait for it to finish before deploying.', '等待其完成后再部署。']);
v('checks.aws.dbPublic', ['Database {db} is publicly accessible', '数据库 {db} 可公开访问'], ['PubliclyAccessible=true: a temporary public window was left open.', 'PubliclyAccessible=true：临时公网访问窗口未关闭。'], ['Close it: `aws rds modify-db-instance --db-instance-identifier {db} --no-publicly-accessible --apply-immediately --region {region}`.', '关闭它：`aws rds modify-db-instance --db-instance-identifier {db} --no-publicly-accessible --apply-immediately --region {region}`。']);
v('checks.aws.tempRule', ['Temporary DB ingress rule still open', '临时数据库入站规则仍然开放'], ['{rule} on {group} allows {cidr} (description slipway-temp…).', '{group} 上的规则 {rule} 允许 {cidr}（描述为 slipway-temp…）。'], ['Revoke it: `aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {rule} --region {region}`.', '撤销它：`aws ec2 revoke-security-group-ingress --group-id {group} --security-group-rule-ids {rule} --region {region}`。']);
v('checks.aws.dbPrivate', ['No public database window open', '没有开放的数据库公网窗口'], ['{count} database(s) of this environment are private; no slipway-temp rules.', '本环境的 {count} 个数据库均为私有；没有 slipway-temp 规则。']);
v('checks.aws.ecsRoleOk', ['The ECS service-linked role exists', 'ECS 服务关联角色已存在'], ['{role}', '{role}']);
v(
  'checks.aws.ecsRoleMissing',
  ['The ECS service-linked role {role} does not exist', 'ECS 服务关联角色 {role} 不存在'],
  ['ECS needs it to create the cluster and service (runbook pitfall 5); AWS creates it on first use only if your identity may call iam:CreateServiceLinkedRole.', 'ECS 创建集群和服务需要它（运行手册第 5 个坑）；只有当前身份有 iam:CreateServiceLinkedRole 权限时，AWS 才会在首次使用时自动创建。'],
  ['Create it once per account: `aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com`.', '每个账号创建一次：`aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com`。'],
);
v('checks.aws.noAlb', ['No load balancer certificate to check', '没有需要检查的负载均衡证书'], ['alb is not configured.', '未配置 alb。']);
v('checks.aws.certNone', ['The ALB has no certificate', 'ALB 没有证书'], ['alb.certificateArn is not set; HTTPS is not served.', '未设置 alb.certificateArn；不提供 HTTPS。'], ['Request one: `aws acm request-certificate --domain-name <domain> --validation-method DNS`.', '申请证书：`aws acm request-certificate --domain-name <域名> --validation-method DNS`。']);
v('checks.aws.certOk', ['ACM certificate issued for {domain}', 'ACM 证书已为 {domain} 签发'], ['{names}', '{names}']);
v('checks.aws.certNotIssued', ['ACM certificate is {status}', 'ACM 证书状态为 {status}'], ['{arn}', '{arn}'], ['Complete DNS validation (add the CNAME record shown by `aws acm describe-certificate`).', '完成 DNS 验证（添加 `aws acm describe-certificate` 显示的 CNAME 记录）。']);
v('checks.aws.certWrongName', ['ACM certificate does not cover {domain}', 'ACM 证书不覆盖 {domain}'], ['It names {names}.', '证书包含：{names}。'], ['Request a certificate that includes {domain}.', '申请包含 {domain} 的证书。']);
v('checks.aws.certExpiring', ['ACM certificate expires in {days} days', 'ACM 证书将在 {days} 天后过期'], ['{arn}', '{arn}'], ['Check that managed renewal can validate (DNS record still present).', '确认托管续期可以完成验证（DNS 记录仍然存在）。']);

// safety net
v('checks.git.notRepo', ['The app is not in a git repository', '应用不在 git 仓库中'], ['{dir}', '{dir}'], ['Use git so each release maps to a commit you can return to.', '使用 git，使每个发布都对应一个可回退的提交。']);
v('checks.git.clean', ['Working tree clean', '工作区干净']);
v('checks.git.dirty', ['{count} uncommitted change(s)', '{count} 处未提交的更改'], ['{files}', '{files}'], ['Commit (and push) before deploying, so the release can be reproduced.', '部署前先提交（并推送），以便发布可以重现。']);
v('checks.git.noUpstream', ['The branch has no upstream', '当前分支没有上游分支'], ['HEAD is not tracked on a remote.', 'HEAD 未在远程仓库中跟踪。'], ['Push it: `git push -u origin <branch>`.', '推送：`git push -u origin <分支>`。']);
v('checks.git.ahead', ['{count} commit(s) not pushed', '{count} 个提交尚未推送'], ['HEAD is ahead of {upstream}.', 'HEAD 领先于 {upstream}。'], ['`git push` before deploying.', '部署前先 `git push`。']);
v('checks.git.pushed', ['HEAD is pushed', 'HEAD 已推送'], ['Up to date with {upstream}.', '与 {upstream} 同步。']);

// change window
v('checks.window.notProduction', ['Not production: any time is fine', '非生产环境：任何时间均可'], ['Now {time} ({zone}).', '现在 {time}（{zone}）。']);
v('checks.window.busy', ['Production deploy during busy hours', '在业务高峰期部署生产环境'], ['Now {time} ({zone}) is inside {window}.', '现在 {time}（{zone}）位于 {window} 内。'], ['Deploy in the low-traffic window {low}, or accept knowingly with --accept-risk window.busy.', '在低峰时段 {low} 部署，或在知情的前提下使用 --accept-risk window.busy。']);
v('checks.window.notBusy', ['Outside busy hours', '不在业务高峰期'], ['Now {time} ({zone}); busy hours: {busy}.', '现在 {time}（{zone}）；高峰期：{busy}。']);
v('checks.window.lowOk', ['Inside the low-traffic window', '处于低峰时段'], ['Now {time} ({zone}), window {low}.', '现在 {time}（{zone}），低峰时段 {low}。']);
v('checks.window.outsideLow', ['Outside the recommended low-traffic window', '不在推荐的低峰时段'], ['Now {time} ({zone}); recommended {low}.', '现在 {time}（{zone}）；推荐 {low}。']);
v('checks.window.badZone', ['Unknown time zone {zone}', '未知时区 {zone}'], undefined, ['Use an IANA zone such as Asia/Shanghai.', '使用 IANA 时区，例如 Asia/Shanghai。']);

// proxy headers and rate limiters
v('checks.app.trustProxyMissing', ['{limiter} without `trust proxy`', '使用了 {limiter} 但没有设置 `trust proxy`'], ['The stable port forwards requests with X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host; a rate limiter that does not trust the proxy rejects them or counts every client as one.', '固定端口转发请求时会添加 X-Forwarded-For、X-Forwarded-Proto 和 X-Forwarded-Host；不信任代理的限流器会拒绝这些请求，或把所有客户端算作同一个。'], ["Add `app.set('trust proxy', 1)` (Express) or `trustProxy: true` (Fastify) where the app is created.", "在创建应用处添加 `app.set('trust proxy', 1)`（Express）或 `trustProxy: true`（Fastify）。"]);
v('checks.app.trustProxyOk', ['{limiter} behind the proxy: `trust proxy` is set', '{limiter} 位于代理之后：已设置 `trust proxy`'], ['The app trusts X-Forwarded-For from the stable port.', '应用信任来自固定端口的 X-Forwarded-For。']);

registerCatalog(checks);
