/**
 * Stack orchestration: create (new stacks) or change set + execute (existing ones),
 * stream stack events, read outputs, report failing resources, and say what to do about
 * stacks stuck in states CloudFormation cannot move on from by itself.
 */
import type { Change, Parameter, Stack, StackEvent, Tag } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SlipwayError } from '../../engine/errors.js';
import { awsErrorMessage, awsPoll } from './clients.js';
import { poll } from '../../engine/poll.js';
import { toYaml, type StackSpec } from './synth.js';
import { sdk } from '../../engine/aws-sdk.js';

export type Outputs = Record<string, string>;

export interface ResourceChange {
  action: string; // Add | Modify | Remove | Import | Dynamic
  logicalId: string;
  type: string;
  replacement: string; // True | False | Conditional | ''
}

export interface StackResult {
  changed: boolean;
  created: boolean;
  outputs: Outputs;
  changes: ResourceChange[];
}

export interface StackIo {
  cfn: CloudFormationClient;
  /** Called with each new stack event, oldest first. */
  onEvent?: (e: StackEvent) => void;
  signal?: AbortSignal;
  /** A deletion errored but the stack is gone: resources may have been left behind. */
  onLeak?: (reason: string) => void;
}

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] as const;
const NO_CHANGES = /No updates are to be performed|didn't contain changes|does not contain changes/i;

/** Recovery advice (message key) for a stack status CloudFormation will not leave on its own. */
export function stuckAdvice(status: string | undefined): string | undefined {
  switch (status) {
    case 'UPDATE_ROLLBACK_FAILED':
      return 'aws.stack.stuck.updateRollbackFailed';
    case 'ROLLBACK_COMPLETE':
    case 'ROLLBACK_FAILED':
    case 'CREATE_FAILED':
      return 'aws.stack.stuck.createFailed';
    case 'DELETE_FAILED':
      return 'aws.stack.stuck.deleteFailed';
    case 'IMPORT_ROLLBACK_FAILED':
      return 'aws.stack.stuck.importRollbackFailed';
    default:
      return status?.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS' ? 'aws.stack.stuck.inProgress' : undefined;
  }
}

export interface FailingResource {
  logicalId: string;
  type: string;
  status: string;
  reason: string;
}

/**
 * The resources that made the latest operation fail, root cause first. `events` are as
 * DescribeStackEvents returns them (newest first); only the latest operation counts
 * (events after the stack's own "User Initiated" event), and "cancelled" collateral
 * failures come after the real ones.
 */
export function failingResources(events: readonly StackEvent[], stackName: string): FailingResource[] {
  const op: StackEvent[] = [];
  for (const e of events) {
    op.push(e);
    if (e.LogicalResourceId === stackName && e.ResourceType === 'AWS::CloudFormation::Stack' && /User Initiated/i.test(e.ResourceStatusReason ?? '')) break;
  }
  const failed = op
    .filter((e) => e.ResourceStatus?.endsWith('_FAILED') && e.LogicalResourceId !== stackName)
    .reverse()
    .map((e) => ({ logicalId: e.LogicalResourceId ?? '?', type: e.ResourceType ?? '?', status: e.ResourceStatus ?? '?', reason: e.ResourceStatusReason ?? '' }));
  const collateral = (f: FailingResource) => /cancelled|canceled/i.test(f.reason);
  return [...failed.filter((f) => !collateral(f)), ...failed.filter(collateral)];
}

export async function describeStack(cfn: CloudFormationClient, name: string): Promise<Stack | undefined> {
  const { DescribeStacksCommand } = sdk.cfn();
  try {
    const r = await cfn.send(new DescribeStacksCommand({ StackName: name }));
    return r.Stacks?.[0];
  } catch (e) {
    if (/does not exist/i.test(awsErrorMessage(e))) return undefined;
    throw e;
  }
}

export function outputsOf(stack: Stack | undefined): Outputs {
  const out: Outputs = {};
  for (const o of stack?.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) out[o.OutputKey] = o.OutputValue;
  return out;
}

function stuckError(name: string, status: string, key: string): SlipwayError {
  return new SlipwayError({ key: 'aws.stack.stuck', params: { stack: name, status }, place: `stack ${name}`, fix: key, fixParams: { stack: name } });
}

async function latestEvents(cfn: CloudFormationClient, name: string): Promise<StackEvent[]> {
  const { DescribeStackEventsCommand } = sdk.cfn();
  const r = await cfn.send(new DescribeStackEventsCommand({ StackName: name }));
  return r.StackEvents ?? [];
}

/** Wait until the stack leaves *_IN_PROGRESS, streaming new events; fail with the failing resources. */
async function waitStack(io: StackIo, name: string, seen: Set<string>, okStatuses: readonly string[]): Promise<Stack | undefined> {
  let status: string | undefined;
  const r = await poll(async (): Promise<{ done: Stack | undefined } | undefined> => {
    const stack = await describeStack(io.cfn, name);
    let events: StackEvent[] = [];
    try {
      events = await latestEvents(io.cfn, name);
    } catch {
      /* a deleted stack has no events */
    }
    const fresh = events.filter((e) => e.EventId && !seen.has(e.EventId)).reverse();
    for (const e of fresh) {
      seen.add(e.EventId!);
      io.onEvent?.(e);
    }
    status = stack?.StackStatus;
    if (!stack || !status?.endsWith('_IN_PROGRESS')) {
      if (!stack || okStatuses.includes(status ?? '')) return { done: stack };
      const failing = failingResources(events, name);
      throw new SlipwayError({
        key: 'aws.stack.failed',
        params: { stack: name, status: status ?? '?', resources: failing.map((f) => `${f.logicalId} (${f.type}) ${f.status}: ${f.reason}`).join('; ') || stack.StackStatusReason || '?' },
        place: `stack ${name}`,
        fix: stuckAdvice(status) ?? 'aws.stack.failed.fix',
        fixParams: { stack: name },
      });
    }
    return undefined;
  }, awsPoll('resource', io.signal, 3 * 3600_000));
  if (r.kind === 'done') return r.value;
  throw new SlipwayError({ key: 'aws.stack.timeout', params: { stack: name, status: status ?? '?' }, fix: 'aws.stack.stuck.inProgress', fixParams: { stack: name } });
}

function changesOf(changes: Change[] | undefined): ResourceChange[] {
  return (changes ?? []).map((c) => ({
    action: c.ResourceChange?.Action ?? '?',
    logicalId: c.ResourceChange?.LogicalResourceId ?? '?',
    type: c.ResourceChange?.ResourceType ?? '?',
    replacement: c.ResourceChange?.Replacement ?? '',
  }));
}

/** Create a change set against an existing stack and wait for it; undefined when there is no change. */
async function createChangeSet(io: StackIo, spec: Pick<StackSpec, 'stackName' | 'template'>, params: Parameter[], tags: Tag[]): Promise<{ name: string; changes: ResourceChange[] } | undefined> {
  const { CreateChangeSetCommand } = sdk.cfn();
  const name = `slipway-${Date.now()}`;
  try {
    await io.cfn.send(
      new CreateChangeSetCommand({
        StackName: spec.stackName,
        ChangeSetName: name,
        ChangeSetType: 'UPDATE',
        TemplateBody: toYaml(spec.template),
        Parameters: params,
        Capabilities: [...CAPABILITIES],
        Tags: tags,
      }),
    );
  } catch (e) {
    if (NO_CHANGES.test(awsErrorMessage(e))) return undefined;
    throw e;
  }
  let status: string | undefined;
  const r = await poll(async (): Promise<{ done: { name: string; changes: ResourceChange[] } | undefined } | undefined> => {
    const { DeleteChangeSetCommand, DescribeChangeSetCommand } = sdk.cfn();
    const d = await io.cfn.send(new DescribeChangeSetCommand({ StackName: spec.stackName, ChangeSetName: name }));
    status = d.Status;
    if (d.Status === 'CREATE_COMPLETE') return { done: { name, changes: changesOf(d.Changes) } };
    if (d.Status === 'FAILED') {
      await io.cfn.send(new DeleteChangeSetCommand({ StackName: spec.stackName, ChangeSetName: name })).catch(() => undefined);
      if (NO_CHANGES.test(d.StatusReason ?? '')) return { done: undefined };
      throw new SlipwayError({ key: 'aws.changeSet.failed', params: { stack: spec.stackName, reason: d.StatusReason ?? '?' }, place: `stack ${spec.stackName}` });
    }
    return undefined;
  }, awsPoll('task', io.signal, 15 * 60_000));
  if (r.kind === 'done') return r.value;
  throw new SlipwayError({ key: 'aws.stack.timeout', params: { stack: spec.stackName, status: status ?? '?' } });
}

/** What deploying `spec` would change (plan): all resources for a new stack, else the change set. */
export async function previewStack(io: StackIo, spec: StackSpec, params: Parameter[] | undefined, tags: Tag[]): Promise<{ exists: boolean; changes: ResourceChange[] }> {
  const { DeleteChangeSetCommand } = sdk.cfn();
  const stack = await describeStack(io.cfn, spec.stackName);
  if (!stack || stack.StackStatus === 'REVIEW_IN_PROGRESS') {
    return { exists: false, changes: Object.entries(spec.template.Resources).map(([id, r]) => ({ action: 'Add', logicalId: id, type: r.Type, replacement: '' })) };
  }
  if (!params) return { exists: true, changes: [{ action: 'Unknown', logicalId: '*', type: 'inputs not available yet', replacement: '' }] };
  const cs = await createChangeSet(io, spec, params, tags);
  if (!cs) return { exists: true, changes: [] };
  await io.cfn.send(new DeleteChangeSetCommand({ StackName: spec.stackName, ChangeSetName: cs.name })).catch(() => undefined);
  return { exists: true, changes: cs.changes };
}

/** Bring the stack to `spec` with `params`; no change → nothing executed. */
export async function deployStack(io: StackIo, spec: Pick<StackSpec, 'stackName' | 'template'>, params: Parameter[], tags: Tag[]): Promise<StackResult> {
  const { CreateStackCommand, DeleteStackCommand, ExecuteChangeSetCommand } = sdk.cfn();
  let stack = await describeStack(io.cfn, spec.stackName);
  if (stack?.StackStatus === 'REVIEW_IN_PROGRESS') {
    // Left behind by an unexecuted CREATE change set: it holds no resources.
    await io.cfn.send(new DeleteStackCommand({ StackName: spec.stackName }));
    stack = undefined;
  }
  const advice = stuckAdvice(stack?.StackStatus);
  if (stack && advice) throw stuckError(spec.stackName, stack.StackStatus!, advice);
  const seen = new Set<string>();
  if (!stack) {
    try {
      await io.cfn.send(
        new CreateStackCommand({ StackName: spec.stackName, TemplateBody: toYaml(spec.template), Parameters: params, Capabilities: [...CAPABILITIES], Tags: tags, OnFailure: 'ROLLBACK' }),
      );
    } catch (e) {
      throw new SlipwayError({ key: 'aws.stack.createRejected', params: { stack: spec.stackName, reason: awsErrorMessage(e) }, place: `stack ${spec.stackName}`, fix: 'aws.stack.failed.fix', fixParams: { stack: spec.stackName }, cause: e });
    }
    const done = await waitStack(io, spec.stackName, seen, ['CREATE_COMPLETE']);
    return {
      changed: true,
      created: true,
      outputs: outputsOf(done),
      changes: Object.entries(spec.template.Resources).map(([id, r]) => ({ action: 'Add', logicalId: id, type: r.Type, replacement: '' })),
    };
  }
  for (const e of await latestEvents(io.cfn, spec.stackName).catch(() => [])) if (e.EventId) seen.add(e.EventId);
  const cs = await createChangeSet(io, spec, params, tags);
  if (!cs) return { changed: false, created: false, outputs: outputsOf(stack), changes: [] };
  await io.cfn.send(new ExecuteChangeSetCommand({ StackName: spec.stackName, ChangeSetName: cs.name }));
  const done = await waitStack(io, spec.stackName, seen, ['UPDATE_COMPLETE']);
  return { changed: true, created: false, outputs: { ...outputsOf(stack), ...outputsOf(done) }, changes: cs.changes };
}

/** Delete the stack (idempotent) and wait until it is gone. */
export async function deleteStack(io: StackIo, name: string): Promise<boolean> {
  const { DeleteStackCommand } = sdk.cfn();
  const stack = await describeStack(io.cfn, name);
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return false;
  const seen = new Set<string>();
  for (const e of await latestEvents(io.cfn, name).catch(() => [])) if (e.EventId) seen.add(e.EventId);
  try {
    await io.cfn.send(new DeleteStackCommand({ StackName: name }));
  } catch (e) {
    // AWS reports failed deletions as DELETE_FAILED; an emulator may throw and drop the stack.
    if (await describeStack(io.cfn, name)) throw e;
    io.onLeak?.(awsErrorMessage(e));
    return true;
  }
  await waitStack(io, name, seen, ['DELETE_COMPLETE']);
  return true;
}
