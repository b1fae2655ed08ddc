/** Messages of the AWS target (ECS Fargate + RDS + ECR via CloudFormation). Every entry has en and zh-CN. */
import type { Catalog } from '../i18n.js';

export const aws: Catalog = {
  // step titles
  'aws.step.preflight': { en: 'Check AWS identity, secrets and config', 'zh-CN': '检查 AWS 身份、密钥与配置' },
  'aws.step.network': { en: 'Network: VPC, two public subnets, internet gateway ({stack})', 'zh-CN': '网络：VPC、两个公共子网、互联网网关（{stack}）' },
  'aws.step.security': { en: 'Security groups: app and database ({stack})', 'zh-CN': '安全组：应用与数据库（{stack}）' },
  'aws.step.database': { en: 'RDS PostgreSQL ({stack})', 'zh-CN': 'RDS PostgreSQL（{stack}）' },
  'aws.step.registry': { en: 'ECR repository ({stack})', 'zh-CN': 'ECR 镜像仓库（{stack}）' },
  'aws.step.cluster': { en: 'ECS cluster ({stack})', 'zh-CN': 'ECS 集群（{stack}）' },
  'aws.step.alb': { en: 'Application load balancer ({stack})', 'zh-CN': '应用负载均衡器（{stack}）' },
  'aws.step.service': { en: 'Task roles and log group ({stack})', 'zh-CN': '任务角色与日志组（{stack}）' },
  'aws.step.scaling': { en: 'Service autoscaling ({stack})', 'zh-CN': '服务自动扩缩容（{stack}）' },
  'aws.step.db-secret': { en: 'Database master secret ({name})', 'zh-CN': '数据库主密码密钥（{name}）' },
  'aws.step.app-secrets': { en: 'Store {count} app secret(s) in Secrets Manager', 'zh-CN': '将 {count} 个应用密钥存入 Secrets Manager' },
  'aws.step.image': { en: 'Image', 'zh-CN': '镜像' },
  'aws.step.register-task-definition': { en: 'Register task-definition revision', 'zh-CN': '注册任务定义新版本' },
  'aws.step.snapshot': { en: 'Snapshot the database', 'zh-CN': '数据库快照' },
  'aws.step.migrate': { en: 'Run migrations (one-off Fargate task)', 'zh-CN': '运行数据库迁移（一次性 Fargate 任务）' },
  'aws.step.update-service': { en: 'Update the ECS service', 'zh-CN': '更新 ECS 服务' },
  'aws.step.wait-stable': { en: 'Watch the rollout', 'zh-CN': '观察发布过程' },
  'aws.step.verify': { en: 'Verify over HTTP', 'zh-CN': 'HTTP 验证' },
  'aws.step.record-release': { en: 'Record the release in the ledger', 'zh-CN': '在发布台账中记录本次发布' },
  'aws.step.stack-outputs': { en: 'Read stack outputs', 'zh-CN': '读取堆栈输出' },
  'aws.step.resolve-release': { en: 'Choose the release to roll back to', 'zh-CN': '选择回滚目标版本' },
  'aws.step.inspect': { en: 'Inspect what exists', 'zh-CN': '检查现有资源' },
  'aws.step.deleteService': { en: 'Delete the ECS service {service}', 'zh-CN': '删除 ECS 服务 {service}' },
  'aws.step.deleteStack': { en: 'Delete stack {stack}', 'zh-CN': '删除堆栈 {stack}' },
  'aws.step.finalSnapshot': { en: 'Final database snapshot', 'zh-CN': '最终数据库快照' },
  'aws.step.deleteSecrets': { en: 'Schedule secrets for deletion', 'zh-CN': '计划删除密钥' },

  // preflight
  'aws.preflight.identity': { en: 'AWS account {account} as {arn}, region {region}.', 'zh-CN': 'AWS 账户 {account}，身份 {arn}，区域 {region}。' },
  'aws.preflight.envClash': {
    en: 'These names are both plain env and secrets (or reserved for the database): {names}. Plain env is written into the task definition in clear text.',
    'zh-CN': '以下名称同时出现在普通环境变量与密钥中（或为数据库保留名）：{names}。普通环境变量会以明文写入任务定义。',
  },
  'aws.preflight.dbUsername': {
    en: 'env sets DB_USERNAME; slipway provides DB_USER (runbook pitfall 7). Make sure the app reads DB_USER.',
    'zh-CN': 'env 中设置了 DB_USERNAME；slipway 提供的是 DB_USER（运行手册第 7 条）。请确认应用读取 DB_USER。',
  },

  // stacks
  'aws.stack.event': { en: '{stack} {resource} ({type}) {status} {reason}', 'zh-CN': '{stack} {resource}（{type}）{status} {reason}' },
  'aws.stack.created': { en: 'Stack {stack} created ({count} resources).', 'zh-CN': '堆栈 {stack} 已创建（{count} 个资源）。' },
  'aws.stack.updated': { en: 'Stack {stack} updated ({count} changes).', 'zh-CN': '堆栈 {stack} 已更新（{count} 项变更）。' },
  'aws.stack.unchanged': { en: 'Stack {stack}: no changes.', 'zh-CN': '堆栈 {stack}：无变更。' },
  'aws.stack.deleted': { en: 'Stack {stack} deleted.', 'zh-CN': '堆栈 {stack} 已删除。' },
  'aws.stack.absent': { en: 'Stack {stack} does not exist; nothing to delete.', 'zh-CN': '堆栈 {stack} 不存在，无需删除。' },
  'aws.stack.failed': { en: 'Stack {stack} ended in {status}. Failing resources: {resources}', 'zh-CN': '堆栈 {stack} 以 {status} 结束。失败的资源：{resources}' },
  'aws.stack.failed.fix': {
    en: 'Fix the cause named above, then deploy again. Details: `aws cloudformation describe-stack-events --stack-name {stack}`.',
    'zh-CN': '修正上面指出的原因后重新部署。详情：`aws cloudformation describe-stack-events --stack-name {stack}`。',
  },
  'aws.stack.deleteLeaked': {
    en: 'Deleting {stack} reported "{reason}" and the stack is gone; some of its resources may be left behind — check the VPC console.',
    'zh-CN': '删除 {stack} 时报告"{reason}"，且堆栈已消失；其部分资源可能残留——请在 VPC 控制台检查。',
  },
  'aws.stack.createRejected': { en: 'CloudFormation rejected stack {stack}: {reason}', 'zh-CN': 'CloudFormation 拒绝创建堆栈 {stack}：{reason}' },
  'aws.stack.missingInput': { en: 'Stack {stack} needs parameter {parameter}, which no earlier step provided.', 'zh-CN': '堆栈 {stack} 需要参数 {parameter}，但前面的步骤没有提供。' },
  'aws.stack.timeout': { en: 'Stack {stack} is still {status}; gave up waiting.', 'zh-CN': '堆栈 {stack} 仍处于 {status}，已停止等待。' },
  'aws.stack.stuck': { en: 'Stack {stack} is in {status}; CloudFormation will not update it from there.', 'zh-CN': '堆栈 {stack} 处于 {status} 状态，CloudFormation 无法从该状态继续更新。' },
  'aws.stack.stuck.updateRollbackFailed': {
    en: 'Finish the rollback: `aws cloudformation continue-update-rollback --stack-name {stack}` (add `--resources-to-skip <LogicalId>` for a resource that cannot roll back, after checking it by hand), wait for UPDATE_ROLLBACK_COMPLETE, then deploy again.',
    'zh-CN': '先完成回滚：`aws cloudformation continue-update-rollback --stack-name {stack}`（若某资源无法回滚，人工确认后加 `--resources-to-skip <逻辑ID>`），等到 UPDATE_ROLLBACK_COMPLETE 后再部署。',
  },
  'aws.stack.stuck.createFailed': {
    en: 'Its first creation failed and it holds nothing usable: delete it (`aws cloudformation delete-stack --stack-name {stack}`), fix the cause from its events, and deploy again.',
    'zh-CN': '该堆栈首次创建失败，不含可用资源：删除它（`aws cloudformation delete-stack --stack-name {stack}`），根据事件修正原因后重新部署。',
  },
  'aws.stack.stuck.deleteFailed': {
    en: 'Some resources could not be deleted (see its events). Remove what blocks them (e.g. ENIs, non-empty buckets, deletion protection), then run destroy again — or `aws cloudformation delete-stack --stack-name {stack} --retain-resources <LogicalId>` to keep them.',
    'zh-CN': '部分资源无法删除（见堆栈事件）。先清除阻碍（如网卡、非空存储桶、删除保护），再次运行 destroy；或用 `aws cloudformation delete-stack --stack-name {stack} --retain-resources <逻辑ID>` 保留它们。',
  },
  'aws.stack.stuck.importRollbackFailed': {
    en: 'Resolve the import in the console or with `aws cloudformation continue-update-rollback --stack-name {stack}`, then deploy again.',
    'zh-CN': '在控制台中处理导入，或运行 `aws cloudformation continue-update-rollback --stack-name {stack}`，然后重新部署。',
  },
  'aws.stack.stuck.inProgress': {
    en: 'Another operation is running on {stack}. Wait for it (`aws cloudformation wait stack-update-complete --stack-name {stack}`); an update that hangs can be cancelled with `aws cloudformation cancel-update-stack --stack-name {stack}`.',
    'zh-CN': '{stack} 上正在进行另一个操作。请等待完成（`aws cloudformation wait stack-update-complete --stack-name {stack}`）；卡住的更新可用 `aws cloudformation cancel-update-stack --stack-name {stack}` 取消。',
  },
  'aws.changeSet.failed': { en: 'The change set for {stack} failed: {reason}', 'zh-CN': '{stack} 的变更集创建失败：{reason}' },

  // database & secrets
  'aws.dbSecret.created': { en: 'Generated the database master password into {name} (value never shown).', 'zh-CN': '已生成数据库主密码并存入 {name}（不会显示其值）。' },
  'aws.dbSecret.exists': { en: 'Database master secret {name} exists.', 'zh-CN': '数据库主密码密钥 {name} 已存在。' },
  'aws.engine.resolved': { en: 'PostgreSQL {version} ({source}).', 'zh-CN': 'PostgreSQL {version}（来源：{source}）。' },
  'aws.engine.fallback': {
    en: 'Could not list the PostgreSQL versions this region offers; using {version}, the latest known {major}.x. If creation fails with "Cannot find version", run `aws rds describe-db-engine-versions --engine postgres` and set it.',
    'zh-CN': '无法列出该区域提供的 PostgreSQL 版本；改用已知的 {major}.x 最新版本 {version}。若创建时报 "Cannot find version"，请运行 `aws rds describe-db-engine-versions --engine postgres` 查看。',
  },
  'aws.db.protected': { en: 'Deletion protection is on for {id}.', 'zh-CN': '{id} 已开启删除保护。' },
  'aws.appSecrets.stored': { en: 'Stored {count} secret value(s) in {name} (referenced by ARN, never in the task definition).', 'zh-CN': '已将 {count} 个密钥值存入 {name}（任务定义中只引用 ARN，不含值）。' },
  'aws.appSecrets.unchanged': { en: 'Secret values in {name} unchanged.', 'zh-CN': '{name} 中的密钥值未变。' },
  'aws.snapshot.done': { en: 'Snapshot {snapshot} is available.', 'zh-CN': '快照 {snapshot} 已可用。' },
  'aws.secret.scheduled': { en: 'Secret {name} scheduled for deletion in 7 days (restorable until then).', 'zh-CN': '密钥 {name} 将在 7 天后删除（在此之前可恢复）。' },

  // image
  'aws.image.using': { en: 'Deploying image {image}.', 'zh-CN': '部署镜像 {image}。' },
  'aws.image.notPinned': { en: 'Image {image} is not pinned to a digest; a tag can move under a rollback.', 'zh-CN': '镜像 {image} 没有固定到摘要（digest）；标签可能被移动，影响回滚。' },
  'aws.image.notFound': { en: 'Image {image} cannot be used: {reason}', 'zh-CN': '无法使用镜像 {image}：{reason}' },
  'aws.image.notFound.fix': { en: 'Push it first, or pass a full `<repository-uri>@sha256:<digest>`.', 'zh-CN': '请先推送该镜像，或传入完整的 `<仓库URI>@sha256:<摘要>`。' },
  'aws.image.noDockerfile': { en: 'No Dockerfile at {file}, and no --image given.', 'zh-CN': '{file} 处没有 Dockerfile，也没有指定 --image。' },
  'aws.image.noDocker': { en: 'No Docker engine is reachable ({detail}), so slipway cannot build the image here.', 'zh-CN': '无法连接 Docker 引擎（{detail}），因此无法在本机构建镜像。' },
  'aws.image.noDocker.fix': {
    en: 'Start Docker (or set DOCKER_HOST), or build and push elsewhere (CI) and deploy with `--image <repository-uri>@sha256:<digest>`.',
    'zh-CN': '启动 Docker（或设置 DOCKER_HOST），或在其他地方（CI）构建并推送，然后用 `--image <仓库URI>@sha256:<摘要>` 部署。',
  },
  'aws.dockerfile.failed': { en: '{count} Dockerfile problem(s) in {file} (listed above).', 'zh-CN': '{file} 中有 {count} 个 Dockerfile 问题（见上文）。' },
  'aws.dockerfile.failed.fix': { en: 'Fix the Dockerfile, or deploy a prebuilt image with --image.', 'zh-CN': '修正 Dockerfile，或用 --image 部署预构建镜像。' },
  'aws.dockerfile.noExpose': { en: '{file}: no EXPOSE; the app must listen on {port}.', 'zh-CN': '{file}：没有 EXPOSE；应用必须监听 {port} 端口。' },
  'aws.dockerfile.exposeMismatch': { en: '{file}: EXPOSE {exposed}, but app.port is {port}.', 'zh-CN': '{file}：EXPOSE 为 {exposed}，但 app.port 是 {port}。' },
  'aws.dockerfile.noBuild': { en: '{file}: a TypeScript app without a build step (RUN npm run build) — pitfall 6: "Cannot find module dist/…".', 'zh-CN': '{file}：TypeScript 应用缺少构建步骤（RUN npm run build）——第 6 条："Cannot find module dist/…"。' },
  'aws.dockerfile.devServer': { en: '{file}: the image starts a dev server ({cmd}); use the production start command.', 'zh-CN': '{file}：镜像启动的是开发服务器（{cmd}）；请使用生产启动命令。' },
  'aws.dockerfile.envCopied': { en: '{file}: copies a .env file into the image; secrets would ship inside it.', 'zh-CN': '{file}：把 .env 文件复制进了镜像，密钥会随镜像分发。' },
  'aws.dockerfile.envNotIgnored': { en: '{file}: `COPY . .` without `.env*` in .dockerignore would bake secrets into the image.', 'zh-CN': '{file}：`COPY . .` 而 .dockerignore 未排除 `.env*`，会把密钥打进镜像。' },
  'aws.dockerfile.noCaBundle': {
    en: '{file}: the RDS CA bundle is not added; TLS verification (PGSSLMODE=verify-full) needs it at {path}. Add: `ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem {path}`.',
    'zh-CN': '{file}：没有加入 RDS CA 证书包；TLS 校验（PGSSLMODE=verify-full）需要它位于 {path}。添加：`ADD https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem {path}`。',
  },

  // release
  'aws.release.unchanged': { en: 'Nothing changed since release {release} (revision {revision}); no new revision.', 'zh-CN': '自发布 {release}（版本 {revision}）以来没有变化；不注册新版本。' },
  'aws.release.registered': { en: 'Registered {revision} for release {release}.', 'zh-CN': '已为发布 {release} 注册 {revision}。' },
  'aws.release.recorded': { en: 'Release {release} recorded as succeeded.', 'zh-CN': '发布 {release} 已记录为成功。' },
  'aws.release.recordedUnverified': { en: 'Release {release} recorded as UNVERIFIED (not verified over HTTP).', 'zh-CN': '发布 {release} 已记录为"未验证"（未经 HTTP 验证）。' },
  'aws.migrate.failed': { en: 'The migration task {task} failed: {reason}.', 'zh-CN': '迁移任务 {task} 失败：{reason}。' },
  'aws.migrate.failed.fix': {
    en: 'Read its log lines above (or in CloudWatch group {group}). The database snapshot taken before it is your restore point; the service still runs the previous release.',
    'zh-CN': '查看上面的日志（或 CloudWatch 日志组 {group}）。迁移前的数据库快照即恢复点；服务仍运行上一个版本。',
  },
  'aws.service.applied': { en: 'Service {service}: {how} on {revision}.', 'zh-CN': '服务 {service}：已{how}，版本 {revision}。' },
  'aws.rollout.progress': { en: 'Rollout: {note}', 'zh-CN': '发布进度：{note}' },
  'aws.rollout.evidence': { en: '{line}', 'zh-CN': '{line}' },
  'aws.rollout.failed': { en: 'The rollout failed ({reason}): {message}', 'zh-CN': '发布失败（{reason}）：{message}' },
  'aws.rollout.failed.fix': {
    en: 'The evidence is in the release record (`slipway releases`); task logs are in CloudWatch group {group}. Fix the cause and deploy again.',
    'zh-CN': '证据已写入发布记录（`slipway releases`）；任务日志在 CloudWatch 日志组 {group}。修正原因后重新部署。',
  },
  'aws.rollout.rolledBack': { en: 'Rolled the service back to {revision}.', 'zh-CN': '服务已回滚到 {revision}。' },
  'aws.rollout.scaledDown': { en: 'No previous release to return to: the service was scaled to 0.', 'zh-CN': '没有可回退的上一个版本：服务已缩容到 0。' },
  'aws.verify.check': { en: '{name}: {ok} ({detail})', 'zh-CN': '{name}：{ok}（{detail}）' },
  'aws.verify.failed': { en: '{count} verification check(s) failed against {url}.', 'zh-CN': '针对 {url} 的 {count} 项验证失败。' },
  'aws.verify.failed.fix': { en: 'See the checks above and the logs in CloudWatch group {group}.', 'zh-CN': '查看上面的检查结果以及 CloudWatch 日志组 {group} 中的日志。' },
  'aws.verify.unverified': { en: 'No endpoint answered HTTP: the release is UNVERIFIED (allowed by allowUnverified).', 'zh-CN': '没有可访问的 HTTP 端点：本次发布为"未验证"（allowUnverified 已允许）。' },
  'aws.verify.notAllowed': { en: 'The release could not be verified over HTTP, and unverified releases are not allowed.', 'zh-CN': '无法通过 HTTP 验证本次发布，且不允许未验证的发布。' },
  'aws.verify.notAllowed.fix': {
    en: 'Make the endpoint reachable (ALB, or a public IP and allowedCidrs), or set `allowUnverified: true` for this environment to accept unverified releases.',
    'zh-CN': '让端点可访问（ALB，或公网 IP 与 allowedCidrs），或为该环境设置 `allowUnverified: true` 以接受未验证的发布。',
  },
  'aws.rollback.target': { en: 'Rolling back from {from} to release {release} (revision {revision}).', 'zh-CN': '从 {from} 回滚到发布 {release}（版本 {revision}）。' },
  'aws.rollback.none': { en: 'There is no earlier good release to roll back to. Releases: {known}', 'zh-CN': '没有可回滚的更早的成功发布。发布列表：{known}' },
  'aws.rollback.unknown': { en: 'No release or revision {to}. Releases: {known}', 'zh-CN': '没有发布或版本 {to}。发布列表：{known}' },

  // endpoint / status
  'aws.endpoint.notDeployed': { en: 'Not deployed: there is no cluster yet.', 'zh-CN': '尚未部署：还没有集群。' },
  'aws.endpoint.noTask': { en: 'Service {service} has no running task, so there is no task address.', 'zh-CN': '服务 {service} 没有运行中的任务，因此没有任务地址。' },
  'aws.endpoint.privateOnly': {
    en: 'The task network interface {eni} has only a private address ({ip}); no public endpoint (no ALB, no public IP).',
    'zh-CN': '任务网卡 {eni} 只有私有地址（{ip}）；没有公网端点（无 ALB，也无公网 IP）。',
  },
  'aws.status.region': { en: 'Region', 'zh-CN': '区域' },
  'aws.status.service': { en: 'Service', 'zh-CN': '服务' },
  'aws.status.taskDefinition': { en: 'Task definition', 'zh-CN': '任务定义' },
  'aws.status.tasks': { en: 'Tasks', 'zh-CN': '任务' },
  'aws.status.deployment': { en: 'Deployment', 'zh-CN': '部署状态' },
  'aws.status.release': { en: 'Active release', 'zh-CN': '当前发布' },
  'aws.status.endpoint': { en: 'Endpoint', 'zh-CN': '端点' },

  // destroy
  'aws.destroy.protected': { en: 'Database {id} has deletion protection on.', 'zh-CN': '数据库 {id} 开启了删除保护。' },
  'aws.destroy.protected.fix': {
    en: 'Nothing was deleted. To really destroy it, run destroy with --force: a final snapshot is taken first, then protection is lifted.',
    'zh-CN': '未删除任何资源。如确需删除，请加 --force 运行 destroy：会先做最终快照，再解除保护。',
  },
  'aws.destroy.unprotected': { en: 'Lifted deletion protection on {id} (--force).', 'zh-CN': '已解除 {id} 的删除保护（--force）。' },

  // plan
  'aws.plan.title': { en: 'Plan for {env} ({region}):', 'zh-CN': '{env}（{region}）的变更计划：' },
  'aws.plan.noChange': { en: 'no changes', 'zh-CN': '无变更' },
  'aws.plan.create': { en: 'new stack, {count} resources', 'zh-CN': '新堆栈，{count} 个资源' },
  'aws.plan.update': { en: '{count} change(s)', 'zh-CN': '{count} 项变更' },
  'aws.plan.replacement': { en: '(REPLACED)', 'zh-CN': '（将被替换）' },
  'aws.plan.maybeReplacement': { en: '(may be replaced)', 'zh-CN': '（可能被替换）' },
  'aws.plan.release': { en: 'Active release: {id}, revision {revision}, {result}, image {image}', 'zh-CN': '当前发布：{id}，版本 {revision}，{result}，镜像 {image}' },
  'aws.plan.firstRelease': { en: 'No release yet: the first deploy creates the ECS service.', 'zh-CN': '尚无发布：首次部署将创建 ECS 服务。' },
  'aws.plan.newRevision': { en: 'Deploy registers a new task-definition revision with image {image} (none if nothing changed).', 'zh-CN': '部署将用镜像 {image} 注册新的任务定义版本（若无变化则不注册）。' },
  'aws.plan.imageFromBuild': { en: '(built from the Dockerfile)', 'zh-CN': '（由 Dockerfile 构建）' },

  // cost
  'aws.cost.title': { en: 'Monthly estimate, {region}, prices of {date} (USD, on-demand):', 'zh-CN': '每月费用估算，{region}，{date} 价格（美元，按需）：' },
  'aws.cost.fargate': { en: 'Fargate: {tasks} task(s) × {vcpu} vCPU / {gb} GB', 'zh-CN': 'Fargate：{tasks} 个任务 × {vcpu} vCPU / {gb} GB' },
  'aws.cost.publicIp': { en: 'Public IPv4 addresses of tasks ({count})', 'zh-CN': '任务公网 IPv4 地址（{count} 个）' },
  'aws.cost.rds': { en: 'RDS PostgreSQL {cls}, {multiAz}', 'zh-CN': 'RDS PostgreSQL {cls}，{multiAz}' },
  'aws.cost.rdsUnknown': { en: 'RDS PostgreSQL {cls} (no price in the table)', 'zh-CN': 'RDS PostgreSQL {cls}（价格表中无此规格）' },
  'aws.cost.rdsStorage': { en: 'RDS gp3 storage, {gb} GB', 'zh-CN': 'RDS gp3 存储，{gb} GB' },
  'aws.cost.alb': { en: 'Application load balancer (~{lcu} LCU, 2 public IPs)', 'zh-CN': '应用负载均衡器（约 {lcu} LCU，2 个公网 IP）' },
  'aws.cost.logs': { en: 'CloudWatch Logs, ~{gb} GB/month, kept {days} days', 'zh-CN': 'CloudWatch 日志，约 {gb} GB/月，保留 {days} 天' },
  'aws.cost.secrets': { en: 'Secrets Manager, {count} secret(s)', 'zh-CN': 'Secrets Manager，{count} 个密钥' },
  'aws.cost.ecr': { en: 'ECR storage, ~{gb} GB', 'zh-CN': 'ECR 存储，约 {gb} GB' },
  'aws.cost.total': { en: 'Total', 'zh-CN': '合计' },
  'aws.cost.savingsTitle': { en: 'Left out by this configuration (saved per month):', 'zh-CN': '本配置未使用（每月节省）：' },
  'aws.cost.savedAlb': { en: 'No application load balancer', 'zh-CN': '不使用应用负载均衡器' },
  'aws.cost.savedNat': { en: 'No NAT gateway (tasks in public subnets), ~{gb} GB', 'zh-CN': '不使用 NAT 网关（任务位于公共子网），约 {gb} GB' },
  'aws.cost.approxRegion': { en: 'No price table for this region: Sydney prices were used.', 'zh-CN': '没有该区域的价格表：使用了悉尼区域价格。' },
  'aws.cost.note': { en: 'Estimate only: data transfer, backups beyond the free allowance and taxes are not included.', 'zh-CN': '仅为估算：不含数据传输、超出免费额度的备份和税费。' },
};
