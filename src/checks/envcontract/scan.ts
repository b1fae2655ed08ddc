/**
 * Collect the environment variable names an app reads, from its AST (@babel/parser):
 * `process.env.X`, `process.env['X']`, destructuring, aliases (`const env = process.env`),
 * `import.meta.env.X`, config helpers (`getEnv('X')`, `requireEnv('X')`, `env('X', d)`,
 * `config.get('X')`), envalid/envsafe `cleanEnv(process.env, {...})` and zod schemas
 * parsed from `process.env`, convict schemas (`env: 'X'`). Each read records whether it has a
 * fallback, and whether it happens only under `NODE_ENV=test`.
 */
import { parse } from '@babel/parser';
import type { Node } from '@babel/types';

export type ReadVia = 'process.env' | 'import.meta.env' | 'destructure' | 'helper' | 'envalid' | 'zod' | 'convict';

export interface EnvRead {
  name: string;
  file: string;
  line: number;
  fallback: boolean;
  via: ReadVia;
  /** Read only when NODE_ENV is `test` (`if (process.env.NODE_ENV === 'test') …`): never needed in production. */
  testOnly?: boolean;
}

export interface SourceScan {
  reads: EnvRead[];
  /** Names the code assigns (`process.env.X = …`). */
  writes: string[];
  /** Places reading a computed name (`process.env[key]`). */
  dynamic: { file: string; line: number }[];
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const HELPER_NAME = /env|config|setting/i;
const HELPER_METHOD = /^(get|getOrThrow|getString|getNumber|getInt|getBool|getBoolean|require|required|optional|string|number|bool|int)$/;
const HELPER_OBJECT = /config|env|settings/i;
const NO_FALLBACK_HELPER = /require|must|OrThrow/i;
const OPTIONAL_HELPER = /optional|OrDefault/i;
const SCHEMA_LIBS = new Set(['cleanEnv', 'envsafe']);
const ZOD_OPTIONAL = new Set(['default', 'optional', 'catch', 'nullish', 'nullable']);
const CONVERT = new Set(['Number', 'String', 'Boolean', 'parseInt', 'parseFloat', 'BigInt']);

/** Whether a branch throws or exits (so the test before it enforces presence). */
function bails(n: AnyNode | undefined): boolean {
  if (!n) return false;
  if (n.type === 'ThrowStatement') return true;
  if (n.type === 'BlockStatement') return (n.body as AnyNode[]).some(bails);
  if (n.type === 'ExpressionStatement') return bails(n.expression as AnyNode);
  if (n.type === 'CallExpression') return /^(process\.exit|exit|fail|die|panic)$/.test(exprText(n.callee as AnyNode));
  return false;
}

/** Calls that test a value: `isSet(x)`, `hasValue(x)`. */
const GUARD_CALL = /^(is|has)([A-Z_]|$)|^(exists|defined)$/;
const TRANSPARENT = new Set(['TSAsExpression', 'TSNonNullExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'ParenthesizedExpression', 'AwaitExpression']);

type AnyNode = Node & Record<string, unknown>;

function isNode(v: unknown): v is AnyNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function calleeName(callee: AnyNode): string | undefined {
  if (callee.type === 'Identifier') return callee.name;
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  return undefined;
}

function exprText(n: AnyNode | undefined): string {
  if (!n) return '';
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'ThisExpression') return 'this';
  if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && !n.computed && n.property.type === 'Identifier') return `${exprText(n.object as AnyNode)}.${n.property.name}`;
  return '';
}

function literalString(n: AnyNode | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'StringLiteral') return n.value;
  if (n.type === 'TemplateLiteral' && n.expressions.length === 0) return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

function propKey(p: AnyNode): string | undefined {
  if (p.type !== 'ObjectProperty' && p.type !== 'ObjectMethod') return undefined;
  const k = p.key as AnyNode;
  if (!p.computed && k.type === 'Identifier') return k.name;
  return literalString(k);
}

function hasKey(obj: AnyNode | undefined, key: string): boolean {
  return !!obj && obj.type === 'ObjectExpression' && obj.properties.some((p) => propKey(p as AnyNode) === key);
}

/** `process.env.NODE_ENV === 'test'` (either order, `==` too); `!==` gives the negation. */
function nodeEnvTest(n: AnyNode | undefined, isEnv: (n: AnyNode | undefined) => boolean): 'test' | 'notTest' | undefined {
  if (!n || n.type !== 'BinaryExpression' || !['===', '==', '!==', '!='].includes(n.operator as string)) return undefined;
  const [a, b] = [n.left as AnyNode, n.right as AnyNode];
  const isNodeEnv = (x: AnyNode): boolean => (x.type === 'MemberExpression' || x.type === 'OptionalMemberExpression') && isEnv(x.object as AnyNode) && !x.computed && (x.property as AnyNode).type === 'Identifier' && ((x.property as AnyNode) as AnyNode & { name: string }).name === 'NODE_ENV';
  const hit = (isNodeEnv(a) && literalString(b) === 'test') || (isNodeEnv(b) && literalString(a) === 'test');
  if (!hit) return undefined;
  return (n.operator as string).startsWith('!') ? 'notTest' : 'test';
}

/** Settings of a convict schema: every object with `env: 'X'`, required when its default is null or absent (or '' for `sensitive`). */
function convictReads(schema: AnyNode, file: string, out: EnvRead[]): void {
  if (schema.type !== 'ObjectExpression') return;
  const props = schema.properties as AnyNode[];
  const envProp = props.find((p) => propKey(p) === 'env');
  const envName = envProp ? literalString(envProp.value as AnyNode) : undefined;
  if (envName && ENV_NAME.test(envName)) {
    const def = props.find((p) => propKey(p) === 'default')?.value as AnyNode | undefined;
    const sensitive = (props.find((p) => propKey(p) === 'sensitive')?.value as AnyNode | undefined)?.type === 'BooleanLiteral';
    const none = !def || def.type === 'NullLiteral' || (def.type === 'Identifier' && (def as AnyNode & { name: string }).name === 'undefined') || (sensitive && literalString(def) === '');
    out.push({ name: envName, file, line: envProp!.loc?.start.line ?? 0, fallback: !none, via: 'convict' });
    return;
  }
  for (const p of props) if (p.type === 'ObjectProperty') convictReads(p.value as AnyNode, file, out);
}

export function scanSource(code: string, file: string): SourceScan {
  const jsx = /\.(jsx|tsx|js|mjs|cjs)$/.test(file);
  const ts = /\.(ts|tsx|mts|cts)$/.test(file);
  const ast = parse(code, {
    sourceType: 'unambiguous',
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowImportExportEverywhere: true,
    plugins: [...(ts ? (['typescript', 'decorators-legacy'] as const) : []), ...(jsx ? (['jsx'] as const) : []), 'topLevelAwait'],
  });
  const reads: EnvRead[] = [];
  const writes: string[] = [];
  const dynamic: SourceScan['dynamic'] = [];
  const aliases = new Set<string>();
  const zodObjects = new Map<string, AnyNode>();
  /** Reads stored in a variable (`const ca = process.env.CA`), judged by how the variable is used. */
  const viaVariable = new Map<EnvRead, string>();
  const guardedNames = new Set<string>();

  const isEnvObject = (n: AnyNode | undefined): boolean => {
    if (!n) return false;
    while (TRANSPARENT.has(n.type)) n = (n.expression ?? n.argument) as AnyNode;
    if (n.type === 'Identifier') return aliases.has(n.name);
    if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') return false;
    const prop = n.property as AnyNode;
    if (n.computed || prop.type !== 'Identifier' || prop.name !== 'env') return false;
    const obj = n.object as AnyNode;
    return (obj.type === 'Identifier' && obj.name === 'process') || obj.type === 'MetaProperty';
  };
  const line = (n: AnyNode): number => n.loc?.start.line ?? 0;

  /**
   * Whether the value read at `stack[i]` has a fallback (`?? d`, `|| d`, `?.`) or is only
   * tested (`if (X) …`, `X ? a : b`). A test whose branch throws or exits marks it required.
   */
  const hasFallback = (stack: AnyNode[], i: number): boolean => {
    let child = stack[i]!;
    let handled = false;
    for (let j = i - 1; j >= 0; j--) {
      const p = stack[j]!;
      const args = p.type === 'CallExpression' ? (p.arguments as AnyNode[]) : [];
      if (TRANSPARENT.has(p.type) || (args.includes(child) && CONVERT.has(calleeName(p.callee as AnyNode) ?? ''))) {
        child = p;
        continue;
      }
      if ((p.type === 'OptionalMemberExpression' || p.type === 'OptionalCallExpression') && (p.object === child || p.callee === child)) return true;
      if (args.includes(child) && GUARD_CALL.test(calleeName(p.callee as AnyNode) ?? '')) handled = true;
      else if (p.type === 'LogicalExpression') handled ||= p.operator === '&&' || p.left === child;
      else if (p.type === 'UnaryExpression' && (p.operator === '!' || p.operator === 'typeof')) handled = true;
      else if (p.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(p.operator as string)) handled = true;
      else if (p.type === 'IfStatement' || p.type === 'ConditionalExpression') return p.test === child ? !bails(p.consequent as AnyNode) : handled;
      else if (p.type === 'WhileStatement') return p.test === child || handled;
      else if (p.type === 'AssignmentExpression') return p.operator === '||=' || p.operator === '??=' || handled;
      else return handled;
      child = p;
    }
    return handled;
  };

  const fromPattern = (pattern: AnyNode, via: ReadVia): void => {
    if (pattern.type !== 'ObjectPattern') return;
    for (const p of pattern.properties as AnyNode[]) {
      if (p.type === 'RestElement') continue;
      const name = propKey(p);
      if (!name) {
        dynamic.push({ file, line: line(p) });
        continue;
      }
      reads.push({ name, file, line: line(p), fallback: (p.value as AnyNode).type === 'AssignmentPattern', via });
    }
  };

  const zodFallback = (start: AnyNode): boolean => {
    let n: AnyNode = start;
    while (n.type === 'CallExpression') {
      const callee = n.callee as AnyNode;
      if (callee.type !== 'MemberExpression') return false;
      const m = calleeName(callee);
      if (m && ZOD_OPTIONAL.has(m)) return true;
      n = callee.object as AnyNode;
    }
    return false;
  };

  const schemaObject = (arg: AnyNode | undefined): AnyNode | undefined => {
    if (!arg) return undefined;
    if (arg.type === 'Identifier') return zodObjects.get(arg.name);
    let n: AnyNode = arg;
    while (n.type === 'CallExpression') {
      const callee = n.callee as AnyNode;
      if (calleeName(callee) === 'object' && (n.arguments[0] as AnyNode | undefined)?.type === 'ObjectExpression') return n.arguments[0] as AnyNode;
      if (callee.type !== 'MemberExpression') return undefined;
      n = callee.object as AnyNode;
    }
    return undefined;
  };

  /** Whether the node at the top of `stack` only runs under NODE_ENV=test. */
  const underTest = (stack: AnyNode[]): boolean => {
    for (let j = stack.length - 1; j > 0; j--) {
      const p = stack[j - 1]!;
      const child = stack[j]!;
      if (p.type === 'IfStatement' || p.type === 'ConditionalExpression') {
        const kind = nodeEnvTest(p.test as AnyNode, isEnvObject);
        if ((kind === 'test' && p.consequent === child) || (kind === 'notTest' && p.alternate === child)) return true;
      }
      if (p.type === 'LogicalExpression' && p.operator === '&&' && p.right === child && nodeEnvTest(p.left as AnyNode, isEnvObject) === 'test') return true;
    }
    return false;
  };

  const visit = (node: AnyNode, stack: AnyNode[]): void => {
    const parent = stack[stack.length - 1];
    const before = reads.length;
    switch (node.type) {
      case 'VariableDeclarator': {
        const id = node.id as AnyNode;
        const init = node.init as AnyNode | null;
        if (init && isEnvObject(init)) {
          if (id.type === 'Identifier') aliases.add(id.name);
          else fromPattern(id, 'destructure');
        }
        if (init && id.type === 'Identifier') {
          const obj = schemaObject(init);
          if (obj) zodObjects.set(id.name, obj);
        }
        break;
      }
      case 'AssignmentExpression': {
        const left = node.left as AnyNode;
        if (left.type === 'ObjectPattern' && isEnvObject(node.right as AnyNode)) fromPattern(left, 'destructure');
        break;
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        if (!isEnvObject(node.object as AnyNode)) break;
        const prop = node.property as AnyNode;
        const name = node.computed ? literalString(prop) : prop.type === 'Identifier' ? prop.name : undefined;
        if (!name) {
          dynamic.push({ file, line: line(node) });
          break;
        }
        if (parent?.type === 'AssignmentExpression' && parent.left === node) {
          writes.push(name);
          if (parent.operator === '=') break;
        }
        if (parent?.type === 'UnaryExpression' && parent.operator === 'delete') break;
        const via: ReadVia = (node.object as AnyNode).type === 'MemberExpression' && ((node.object as AnyNode).object as AnyNode).type === 'MetaProperty' ? 'import.meta.env' : 'process.env';
        const read: EnvRead = { name, file, line: line(node), fallback: hasFallback([...stack, node], stack.length), via };
        reads.push(read);
        let k = stack.length - 1;
        while (k >= 0 && TRANSPARENT.has(stack[k]!.type)) k--;
        const holder = stack[k];
        if (!read.fallback && holder?.type === 'VariableDeclarator' && (holder.id as AnyNode).type === 'Identifier') viaVariable.set(read, (holder.id as AnyNode & { name: string }).name);
        break;
      }
      case 'Identifier': {
        const isRef = !(parent?.type === 'VariableDeclarator' && parent.id === node) && !((parent?.type === 'MemberExpression' || parent?.type === 'OptionalMemberExpression') && parent.property === node && !parent.computed) && !(parent?.type === 'ObjectProperty' && parent.key === node);
        if (isRef && hasFallback([...stack, node], stack.length)) guardedNames.add(node.name);
      }
      case 'BinaryExpression': {
        // 'X' in process.env
        const key = literalString(node.left as AnyNode);
        if (node.operator === 'in' && key && isEnvObject(node.right as AnyNode)) reads.push({ name: key, file, line: line(node), fallback: true, via: 'process.env' });
        break;
      }
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const callee = node.callee as AnyNode;
        const name = calleeName(callee);
        const args = node.arguments as AnyNode[];
        if (!name) break;
        if (name === 'convict' && args[0]?.type === 'ObjectExpression') {
          convictReads(args[0], file, reads);
          break;
        }
        if (SCHEMA_LIBS.has(name)) {
          const spec = args.find((a, i) => i > 0 && a.type === 'ObjectExpression') ?? (name === 'envsafe' ? args[0] : undefined);
          if (spec?.type === 'ObjectExpression') {
            for (const p of spec.properties as AnyNode[]) {
              const key = propKey(p);
              if (!key) continue;
              const v = p.value as AnyNode;
              const opts = v?.type === 'CallExpression' ? (v.arguments[0] as AnyNode | undefined) : undefined;
              reads.push({ name: key, file, line: line(p), fallback: hasKey(opts, 'default') || hasKey(opts, 'allowEmpty'), via: 'envalid' });
            }
          }
          break;
        }
        if (/^(parse|safeParse|parseAsync|safeParseAsync)$/.test(name) && callee.type === 'MemberExpression' && isEnvObject(args[0])) {
          const obj = schemaObject(callee.object as AnyNode);
          if (obj) {
            for (const p of obj.properties as AnyNode[]) {
              const key = propKey(p);
              if (key && ENV_NAME.test(key)) reads.push({ name: key, file, line: line(p), fallback: zodFallback(p.value as AnyNode), via: 'zod' });
            }
          }
          break;
        }
        const key = literalString(args[0]);
        if (!key || !ENV_NAME.test(key)) break;
        const isMember = callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression';
        const helper = isMember ? HELPER_METHOD.test(name) && HELPER_OBJECT.test(exprText(callee.object as AnyNode)) || HELPER_NAME.test(name) : HELPER_NAME.test(name);
        if (!helper || name === 'config' && !args.length) break;
        const second = args[1];
        let fallback = OPTIONAL_HELPER.test(name) || (second !== undefined && (second.type !== 'ObjectExpression' || hasKey(second, 'default')));
        if (NO_FALLBACK_HELPER.test(name)) fallback = false;
        reads.push({ name: key, file, line: line(node), fallback: fallback || hasFallback([...stack, node], stack.length), via: 'helper' });
        break;
      }
    }
    if (reads.length > before && underTest([...stack, node])) for (const r of reads.slice(before)) r.testOnly = true;
    stack.push(node);
    for (const key of Object.keys(node)) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments' || key === 'extra') continue;
      const v = node[key];
      if (Array.isArray(v)) {
        for (const c of v) if (isNode(c)) visit(c, stack);
      } else if (isNode(v)) visit(v, stack);
    }
    stack.pop();
  };
  visit(ast.program as unknown as AnyNode, []);
  for (const [read, variable] of viaVariable) if (guardedNames.has(variable)) read.fallback = true;
  // A name tested or defaulted anywhere in a file is handled there (`isSet(env.X) ? env.X : d`).
  const handled = new Set(reads.filter((r) => r.fallback).map((r) => r.name));
  for (const r of reads) if (handled.has(r.name)) r.fallback = true;
  return { reads, writes, dynamic };
}
