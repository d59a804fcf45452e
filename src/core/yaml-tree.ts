import { LineCounter, parseDocument, isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { UsageError } from './errors.js';
import { quote, sanitize } from './show.js';

/** Topology files are small; anything bigger is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The text of a file that must be UTF-8: a byte that is not is refused, naming `field` and the
 * byte offset, instead of silently becoming U+FFFD (a name with it would pass validation).
 */
export function utf8Text(data: Uint8Array, source: string, field = 'FILE'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
    const line = text.slice(0, Math.max(0, text.indexOf('\ufffd'))).split('\n').length;
    throw new UsageError(field, `${sanitize(source)}:${line}: not UTF-8 text (a byte sequence that is not a character)`);
  }
}

/**
 * A YAML value with where it came from. Scalars keep their source text so validators can
 * insist on plain decimal numbers (YAML reads 1e3, 0x64 and 0100 as numbers too).
 */
export type YNode =
  | { readonly kind: 'map'; readonly line: number; readonly entries: ReadonlyMap<string, YNode> }
  | { readonly kind: 'seq'; readonly line: number; readonly items: readonly YNode[] }
  | {
      readonly kind: 'scalar';
      readonly line: number;
      readonly value: string | number | boolean | null;
      readonly source: string;
      readonly quoted: boolean;
    };

/** Joins a path for UsageError fields: `hosts.A.label`, `hosts[0]`; odd keys are quoted: `hosts["a b"]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z0-9_-]+$/.test(key)) return `${path}[${quote(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Reads one YAML document strictly: one document, no aliases (so no alias bombs), no explicit
 * tags, no duplicate keys, only scalar keys. Errors are UsageErrors; whole-file problems name
 * the field `FILE`, others the path of the offending node.
 */
export function readYamlTree(text: string, source = 'topology'): YNode {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_FILE_BYTES) throw new UsageError('FILE', `${sanitize(source)} is ${bytes} bytes; topology files are at most ${MAX_FILE_BYTES} bytes (1 MiB)`);
  const lineCounter = new LineCounter();
  // Aliases are refused while walking and the document is never expanded with toJS(), so an
  // alias bomb costs no more than its text. Duplicate keys are found while walking too, to name the path.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, strict: true, prettyErrors: false, version: '1.2' });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = lineCounter.linePos(firstError.pos[0]);
    const msg = firstError.message.split('\n')[0] ?? firstError.code;
    throw new UsageError('FILE', `${sanitize(source)}:${pos.line}:${pos.col}: YAML error: ${sanitize(msg)}`);
  }
  const lineOf = (n: Node | null | undefined): number => (n?.range ? lineCounter.linePos(n.range[0]).line : 0);
  const where = (n: Node | null | undefined): string => `${sanitize(source)}:${lineOf(n)}`;

  const walk = (node: unknown, path: string): YNode => {
    const field = path === '' ? 'FILE' : path;
    if (isAlias(node)) {
      throw new UsageError(field, `YAML aliases (*${sanitize(node.source)}) are not accepted in a topology file; write the value out (${where(node)})`);
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (node.tag !== undefined) throw new UsageError(field, `YAML tags (${sanitize(node.tag)}) are not accepted; write the plain value (${where(node)})`);
    }
    if (isMap(node)) {
      const entries = new Map<string, YNode>();
      for (const pair of node.items) {
        const k = pair.key;
        if (!isScalar(k) || k.tag !== undefined || typeof k.source !== 'string' || k.source === '') {
          throw new UsageError(field, `keys must be plain names (${where(isScalar(k) ? k : node)})`);
        }
        const key = k.source;
        const childPath = joinPath(path, key);
        if (entries.has(key)) throw new UsageError(childPath, `duplicate key ${quote(key)} (${where(k)})`);
        entries.set(key, walk(pair.value, childPath));
      }
      return { kind: 'map', line: lineOf(node), entries };
    }
    if (isSeq(node)) return { kind: 'seq', line: lineOf(node), items: node.items.map((item, i) => walk(item, joinPath(path, i))) };
    if (isScalar(node)) {
      const v = node.value;
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        throw new UsageError(field, `unsupported YAML value (${where(node)})`);
      }
      const quoted = node.type !== undefined && node.type !== 'PLAIN';
      return { kind: 'scalar', line: lineOf(node), value: v, source: node.source ?? String(v), quoted };
    }
    if (node === null || node === undefined) return { kind: 'scalar', line: 0, value: null, source: '', quoted: false };
    throw new UsageError(field, 'unsupported YAML node');
  };
  return walk(doc.contents, '');
}
