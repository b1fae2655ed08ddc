/** A YAML config's text → its value, and the line of each config path (for errors that name the line). */
import { parseDocument, LineCounter, isNode, isMap, isScalar } from 'yaml';
import { ConfigError } from '../engine/errors.js';

export interface RawConfig {
  value: unknown;
  /** Line of a config path, when the source format knows it. */
  locate: (p: readonly PropertyKey[]) => number | undefined;
}

export function parseYamlConfig(text: string, file: string): RawConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new ConfigError({
      key: 'config.yamlSyntax',
      params: { file, line: pos.line, col: pos.col, reason: err.message.split('\n')[0] },
      place: `${file}:${pos.line}:${pos.col}`,
      fix: 'config.yamlSyntax.fix',
    });
  }
  const value: unknown = doc.toJS();
  if (value === null || value === undefined) {
    throw new ConfigError({ key: 'config.empty', params: { file }, place: file, fix: 'config.empty.fix' });
  }
  return {
    value,
    locate: (p) => {
      // The line of the key itself when its parent is a map (a block value starts on the next line).
      const parent = p.length ? (p.length === 1 ? doc.contents : doc.getIn(p.slice(0, -1) as unknown[], true)) : undefined;
      if (isMap(parent)) {
        const pair = parent.items.find((it) => isScalar(it.key) && it.key.value === p[p.length - 1]);
        if (pair && isScalar(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
      }
      for (let n = p.length; n >= 0; n--) {
        const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}
