/** Core messages: configuration, engine, CLI. Every entry has en and zh-CN. */
import type { Catalog } from './catalog.js';

export const core: Catalog = {
  // configuration
  'config.notFound': { en: 'No slipway configuration found in {dir}.', 'zh-CN': '在 {dir} 中找不到 slipway 配置文件。' },
  'config.notFound.fix': {
    en: 'Run `slipway init` to write one, or pass `--config <file>` (slipway.yaml or slipway.config.ts).',
    'zh-CN': '运行 `slipway init` 生成配置，或用 `--config <文件>` 指定（slipway.yaml 或 slipway.config.ts）。',
  },
  'config.fileMissing': { en: 'The configuration file {file} does not exist.', 'zh-CN': '配置文件 {file} 不存在。' },
  'config.fileMissing.fix': { en: 'Check the path given to --config.', 'zh-CN': '检查 --config 指定的路径。' },
  'config.fileUnreadable': { en: 'Cannot read {file}: {reason}.', 'zh-CN': '无法读取 {file}：{reason}。' },
  'config.fileUnreadable.fix': { en: 'Check the file permissions.', 'zh-CN': '检查文件权限。' },
  'config.notUtf8': {
    en: '{file} is not UTF-8 (it looks like {encoding}; first bad byte on line {line}).',
    'zh-CN': '{file} 不是 UTF-8 编码（看起来是 {encoding}，第 {line} 行首次出现非法字节）。',
  },
  'config.notUtf8.fix': {
    en: 'Save the file as UTF-8, e.g. `iconv -f {from} -t UTF-8 {file} > tmp && mv tmp {file}` (on Windows: "Save with encoding → UTF-8").',
    'zh-CN': '把文件另存为 UTF-8，例如 `iconv -f {from} -t UTF-8 {file} > tmp && mv tmp {file}`（Windows 编辑器中选择“以 UTF-8 编码保存”）。',
  },
  'config.yamlSyntax': { en: 'YAML syntax error in {file} at line {line}, column {col}: {reason}', 'zh-CN': '{file} 第 {line} 行第 {col} 列 YAML 语法错误：{reason}' },
  'config.yamlSyntax.fix': {
    en: 'Fix the YAML at that line: check indentation (spaces, not tabs), a missing `:` or an unclosed quote.',
    'zh-CN': '修正该行的 YAML：检查缩进（用空格而非 Tab）、是否缺少 `:`、引号是否闭合。',
  },
  'config.moduleFailed': { en: 'Loading {file} failed: {reason}', 'zh-CN': '加载 {file} 失败：{reason}' },
  'config.moduleFailed.fix': {
    en: 'Make the file run on its own: `export default defineConfig({ ... })` with `import { defineConfig } from "slipway"`.',
    'zh-CN': '确保文件可以独立运行：`export default defineConfig({ ... })`，并 `import { defineConfig } from "slipway"`。',
  },
  'config.unknownKey': { en: 'Unknown key `{key}` at {path}.', 'zh-CN': '{path} 处有未知的键 `{key}`。' },
  'config.unknownKey.fix': {
    en: 'Did you mean `{suggestion}`? Rename it, or remove it. Allowed here: {known}.',
    'zh-CN': '是否想写 `{suggestion}`？请重命名或删除它。此处允许的键：{known}。',
  },
  'config.unknownSecretRef': { en: '{path} references the secret `{name}`, which this environment does not declare.', 'zh-CN': '{path} 引用了密钥 `{name}`，但此环境没有声明它。' },
  'config.unknownSecretRef.fix': {
    en: 'Did you mean `{suggestion}`? Write `${secret:{suggestion}}`, or add the name to `secrets`. Declared: {known}.',
    'zh-CN': '是否想写 `{suggestion}`？请改为 `${secret:{suggestion}}`，或把该名称加入 `secrets`。已声明：{known}。',
  },
  'config.unknownSecretRef.fixPlain': { en: 'Add the name to `secrets` (top level or the environment). Declared: {known}.', 'zh-CN': '请把该名称加入 `secrets`（顶层或环境中）。已声明：{known}。' },
  'config.unknownKey.fixPlain': { en: 'Remove it. Allowed here: {known}.', 'zh-CN': '请删除它。此处允许的键：{known}。' },
  'config.missing': { en: 'Missing required setting {path} (expected {expected}).', 'zh-CN': '缺少必填项 {path}（应为 {expected}）。' },
  'config.missing.fix': { en: 'Add `{path}` to the configuration.', 'zh-CN': '在配置中添加 `{path}`。' },
  'config.wrongType': { en: '{path} has the wrong type: expected {expected}, got {value}.', 'zh-CN': '{path} 类型错误：应为 {expected}，实际是 {value}。' },
  'config.wrongType.fix': { en: 'Change {path} to a {expected} (in YAML, quote strings and leave numbers unquoted).', 'zh-CN': '把 {path} 改为 {expected}（YAML 中字符串加引号，数字不加引号）。' },
  'config.badTarget': { en: '{path} is {value}, which is not a target slipway knows.', 'zh-CN': '{path} 为 {value}，不是 slipway 支持的部署目标。' },
  'config.badTarget.fix': { en: 'Use one of: local, ssh, aws.', 'zh-CN': '请使用以下之一：local、ssh、aws。' },
  'config.badValue': { en: '{path} is {value}, which is not allowed.', 'zh-CN': '{path} 的值 {value} 不被允许。' },
  'config.badValue.fix': { en: 'Use one of: {allowed}.', 'zh-CN': '请使用以下之一：{allowed}。' },
  'config.invalid': { en: '{path} is invalid ({value}): {detail}.', 'zh-CN': '{path} 无效（{value}）：{detail}。' },
  'config.invalid.fix': { en: 'Correct {path}; see docs/configuration.md.', 'zh-CN': '修正 {path}；参见 docs/configuration.md。' },
  'config.unknownEnvironment': { en: 'There is no environment `{name}`.', 'zh-CN': '没有名为 `{name}` 的环境。' },
  'config.chooseEnvironment': { en: 'Several environments are configured; name one.', 'zh-CN': '配置了多个环境，请指定一个。' },
  'config.unknownEnvironment.fix': { en: 'Use one of: {known}.', 'zh-CN': '可用的环境：{known}。' },
  'config.targetNotAvailable': { en: 'The `{target}` target is not available in this version.', 'zh-CN': '此版本尚不支持 `{target}` 部署目标。' },
  'config.targetNotAvailable.fix': { en: 'Use `target: local` or `target: aws` for now (the ssh target is planned); see docs/architecture.md.', 'zh-CN': '请暂时使用 `target: local` 或 `target: aws`（ssh 目标尚在计划中）；参见 docs/architecture.md。' },
  'aws.noCredentials': { en: 'No AWS credentials were found: {reason}', 'zh-CN': '找不到 AWS 凭证：{reason}' },
  'aws.noCredentials.fix': {
    en: 'Set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), or run `aws configure`; check with `aws sts get-caller-identity`.',
    'zh-CN': '设置 AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY（或 AWS_PROFILE），或运行 `aws configure`；用 `aws sts get-caller-identity` 检查。',
  },
  'secrets.missing': { en: 'Secret values missing for: {names}.', 'zh-CN': '以下密钥缺少取值：{names}。' },
  'secrets.missing.fix': {
    en: 'Export them in the environment or put them in {file} (KEY=value per line). Values are never printed.',
    'zh-CN': '在环境变量中导出，或写入 {file}（每行 KEY=value）。密钥值永远不会被打印。',
  },

  // engine
  'run.aborted': { en: 'The run was interrupted.', 'zh-CN': '运行被中断。' },
  'run.recoveredUndo': { en: 'An interrupted run was undone.', 'zh-CN': '已撤销一次被中断的运行。' },
  'lock.held': {
    en: 'Another {command} holds the deploy lock: {user}@{machine} (pid {pid}) since {since}, until {expires}.',
    'zh-CN': '另一个 {command} 正持有部署锁：{user}@{machine}（pid {pid}），开始于 {since}，到期于 {expires}。',
  },
  'lock.held.fix': {
    en: 'Wait for it to finish. If that process is gone, rerun with --force-unlock.',
    'zh-CN': '请等待其完成。如果该进程已不存在，使用 --force-unlock 重新运行。',
  },
  'lock.waiting': {
    en: 'The deploy lock is held by {user}@{machine} ({command}); waiting to see it renewed, or for its lease to run out at {expires}.',
    'zh-CN': '部署锁由 {user}@{machine}（{command}）持有；正在等待其续期，或等到 {expires} 租约到期。',
  },
  'lock.lost': { en: 'The deploy lock could not be renewed: {reason}. Stopping and undoing this run.', 'zh-CN': '无法续期部署锁：{reason}。正在停止并撤销本次运行。' },
  'lock.lost.fix': {
    en: 'Check the connection to where the lock lives (`slipway lock status <env>`), then run the command again; it converges.',
    'zh-CN': '检查到锁所在位置的连接（`slipway lock status <环境>`），然后重新运行命令；它会收敛到一致状态。',
  },
  'lock.tookOver': { en: 'Took over a stale lock of {user}@{machine} (pid {pid}, {command}).', 'zh-CN': '已接管过期的部署锁：{user}@{machine}（pid {pid}，{command}）。' },
};
