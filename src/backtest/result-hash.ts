import { canonicalJson } from '../alpha/index.js';
import { sha256Hex } from '../sources/alpha/index.js';

/**
 * `sha256Hex(canonicalJson(value))`, the same digest bit for bit, at a fraction of the cost.
 *
 * Why: canonicalJson's replacer runs for every value of the tree (a result of 20 years has ~150,000
 * numbers and ~30,000 trade and holding objects), which was ~40% of a sweep point and most of its
 * garbage. Here only objects whose keys are out of order are copied, in sorted order as canonicalJson's
 * replacer copies them, and the native serializer (no replacer) writes the text. Keeping the digest,
 * rather than hashing a new binary form, means every hash stored before (backtest folders,
 * `result_hash`, sweeps' rows) still verifies.
 *
 * A tree with anything but plain JSON data (typed arrays, dates, `toJSON`, `__proto__` keys) goes to
 * canonicalJson whole, so the text is always exactly canonicalJson's.
 */
export function canonicalJsonSha256(value: unknown): string {
  const sorted = sortedTree(value, new Map());
  return sha256Hex((sorted === UNUSUAL ? canonicalJson(value) : JSON.stringify(sorted)) as string);
}

const UNUSUAL = Symbol('unusual');

/** A key order seen before: whether it is sorted, and the positions in sorted order if not. */
interface Shape {
  keys: readonly string[];
  order: readonly number[] | null;
}

/** Shapes by first key: a result's thousands of trades and holdings share a handful of key orders. */
type Shapes = Map<string, Shape[]>;

function shapeOf(keys: readonly string[], shapes: Shapes): Shape | typeof UNUSUAL {
  const first = keys.length > 0 ? keys[0]! : '';
  let bucket = shapes.get(first);
  if (bucket) {
    for (const shape of bucket) if (sameKeys(shape.keys, keys)) return shape;
  } else {
    bucket = [];
    shapes.set(first, bucket);
  }
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === '__proto__') return UNUSUAL;
    if (i > 0 && !(keys[i - 1]! < keys[i]!)) sorted = false;
  }
  const order = sorted
    ? null
    : keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  const shape = { keys, order };
  bucket.push(shape);
  return shape;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `value` with every object's keys in sorted order (shared where already sorted), or UNUSUAL. */
function sortedTree(value: unknown, shapes: Shapes): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? UNUSUAL : value;
  if (Array.isArray(value)) {
    if ('toJSON' in value) return UNUSUAL;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) {
        if (typeof item === 'bigint') return UNUSUAL;
        continue;
      }
      const inner = sortedTree(item, shapes);
      if (inner === UNUSUAL) return UNUSUAL;
      if (inner !== item) {
        copy ??= value.slice();
        copy[i] = inner;
      }
    }
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return UNUSUAL;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const shape = shapeOf(keys, shapes);
  if (shape === UNUSUAL) return UNUSUAL;
  let values: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const inner = record[keys[i]!];
    if (typeof inner !== 'object' || inner === null) {
      if (typeof inner === 'bigint') return UNUSUAL;
      continue;
    }
    const sorted = sortedTree(inner, shapes);
    if (sorted === UNUSUAL) return UNUSUAL;
    if (sorted !== inner) {
      values ??= keys.map((key) => record[key]);
      values[i] = sorted;
    }
  }
  if (shape.order === null && values === undefined) return value;
  // Inserted in sorted order like canonicalJson's copy, so integer-like keys end up where its do.
  const out: Record<string, unknown> = {};
  if (shape.order === null) for (let i = 0; i < keys.length; i++) out[keys[i]!] = values![i];
  else for (const i of shape.order) out[keys[i]!] = values ? values[i] : record[keys[i]!];
  return out;
}
