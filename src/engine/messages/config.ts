/** Messages of the configuration rules that span several settings (src/config/consistency.ts). */
import { registerCatalog, type Catalog } from '../i18n.js';

export const configRules: Catalog = {
  'config.unknownEnvRef': { en: 'env.{key} refers to ${{name}}, which is not a variable this release gets.', 'zh-CN': 'env.{key} 引用了 ${{name}}，但本发布没有这个变量。' },
  'config.unknownEnvRef.fix': { en: 'Did you mean `${{suggestion}}`? References name what the target provides, another `env` key or a declared secret.', 'zh-CN': '是否想写 `${{suggestion}}`？引用只能指向目标提供的变量、另一个 `env` 键或已声明的密钥。' },
  'config.unknownEnvRef.fixPlain': { en: 'References name what the target provides, another `env` key or a declared secret: {known}.', 'zh-CN': '引用只能指向目标提供的变量、另一个 `env` 键或已声明的密钥：{known}。' },
  'config.envRefSelf': { en: 'env.{key} refers to itself.', 'zh-CN': 'env.{key} 引用了它自己。' },
  'config.envRefSelf.fix': { en: 'Give env.{key} a value, or refer to another variable.', 'zh-CN': '给 env.{key} 一个值，或引用其他变量。' },
  'config.envRefSecretPart': { en: 'env.{key} puts the secret {name} inside a longer value; on aws a secret reaches the container only whole.', 'zh-CN': 'env.{key} 把密钥 {name} 嵌在更长的值中；在 aws 上密钥只能整体传给容器。' },
  'config.envRefSecretPart.fix': { en: 'Write `{key}: "${{name}}"` (the whole value), or build the string in the app from its parts.', 'zh-CN': '写成 `{key}: "${{name}}"`（整个值），或在应用中用各部分拼出该字符串。' },
  'config.empty': { en: 'The configuration file {file} is empty (or only comments).', 'zh-CN': '配置文件 {file} 为空（或只有注释）。' },
  'config.empty.fix': {
    en: 'Run `slipway init` to write one, or add at least `app: { name, start }` and one environment under `environments`.',
    'zh-CN': '运行 `slipway init` 生成配置，或至少添加 `app: { name, start }` 以及 `environments` 下的一个环境。',
  },
  'config.noEnvironments': { en: '`environments` is empty: there is nothing to deploy to.', 'zh-CN': '`environments` 为空：没有可部署的环境。' },
  'config.noEnvironments.fix': {
    en: 'Add one, e.g. `environments: { local: { target: local } }`.',
    'zh-CN': '添加一个环境，例如 `environments: { local: { target: local } }`。',
  },
  'config.portShared': {
    en: 'Environments `{first}` and `{second}` both use port {port} on {host}.',
    'zh-CN': '环境 `{first}` 和 `{second}` 在 {host} 上都使用端口 {port}。',
  },
  'config.portShared.fix': {
    en: 'Give `{second}` its own `port` (e.g. {free}); each environment needs its own stable port.',
    'zh-CN': '为 `{second}` 设置单独的 `port`（例如 {free}）；每个环境都需要自己的固定端口。',
  },
  'config.secretTwice': { en: 'The secret `{name}` is listed twice in {path}.', 'zh-CN': '密钥 `{name}` 在 {path} 中出现了两次。' },
  'config.secretTwice.fix': { en: 'Remove the second `{name}` from {path}.', 'zh-CN': '从 {path} 中删除第二个 `{name}`。' },
  'config.badTimeZone': { en: '{path} is {value}, which is not a time zone this system knows.', 'zh-CN': '{path} 为 {value}，不是本系统已知的时区。' },
  'config.badTimeZone.fix': { en: 'Did you mean `{suggestion}`? Use an IANA zone name.', 'zh-CN': '是否想写 `{suggestion}`？请使用 IANA 时区名。' },
  'config.badTimeZone.fixPlain': { en: 'Use an IANA zone name such as Asia/Shanghai or Europe/Berlin.', 'zh-CN': '请使用 IANA 时区名，例如 Asia/Shanghai 或 Europe/Berlin。' },
  'config.appDirMissing': { en: 'app.dir is {value}, but {dir} does not exist.', 'zh-CN': 'app.dir 为 {value}，但 {dir} 不存在。' },
  'config.appDirMissing.fix': {
    en: 'Set `app.dir` to the app directory, relative to the config file (default `.`).',
    'zh-CN': '把 `app.dir` 设为应用目录，相对于配置文件（默认 `.`）。',
  },
  'config.dbOwned': {
    en: '`{name}` is set in {where}, but slipway runs the database of `{env}` and sets {name} itself (with a password it generates).',
    'zh-CN': '{where} 中设置了 `{name}`，但 `{env}` 的数据库由 slipway 运行，{name} 由 slipway 自己设置（密码由它生成）。',
  },
  'config.dbOwned.fix': {
    en: 'Remove `{name}` from {where}; the app reads the generated values. To use a database you run, set `database.mode: external` and put its postgres:// URL in the secret `DATABASE_URL`.',
    'zh-CN': '从 {where} 中删除 `{name}`；应用会读取生成的取值。要使用你自己运行的数据库，请设置 `database.mode: external`，并把它的 postgres:// URL 放入密钥 `DATABASE_URL`。',
  },
};

registerCatalog(configRules);
