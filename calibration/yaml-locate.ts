// Finds where a value lives in a YAML document, so a validation problem found on the
// plain JavaScript value can be reported at the file's line and column. Read-only; it must
// never change the document.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export interface Located {
  line: number;
  col: number;
  /** false when the path does not exist (a missing key): the position is its parent's. */
  exists: boolean;
}

/**
 * The position of `path` in `doc`. With `key`, the position of that key inside the map at
 * `path` (for unknown keys). Falls back to the deepest existing ancestor.
 */
export function locate(doc: Document, counter: LineCounter, path: readonly PropertyKey[], key?: string): Located {
  let node: Node | null = doc.contents;
  let exists = true;
  for (const segment of key === undefined ? path : [...path, key]) {
    const next = child(node, segment, key !== undefined && segment === key);
    if (next === undefined) {
      exists = false;
      break;
    }
    node = next;
  }
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = counter.linePos(offset);
  return { line: Math.max(line, 1), col: Math.max(col, 1), exists };
}

function child(node: Node | null, segment: PropertyKey, wantKey: boolean): Node | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key;
      const name = isScalar(k) ? k.value : k;
      if (String(name) !== String(segment)) continue;
      if (wantKey) return (k as Node | null) ?? undefined;
      // `gain:` with nothing after it: point at the key.
      return (pair.value as Node | null) ?? (k as Node | null) ?? undefined;
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    return (node.items[segment] as Node | null | undefined) ?? undefined;
  }
  return undefined;
}

/** `versions[0].gain` */
export function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `${text === '' ? '' : '.'}${String(segment)}`;
  }
  return text;
}
