import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../alpha/index.js';
import { sha256Hex } from '../sources/alpha/index.js';

/**
 * `sha256Hex(canonicalJson(value))`, the same digest bit for bit, at a fraction of the cost. For a
 * backtest result this is the result hash's version 1, computed now to verify hashes stored before
 * version 2 (result-hash-v2.ts) replaced it for new results.
 *
 * Why: canonicalJson's replacer runs for every value and copies every object of the tree (a result of
 * 20 years has ~300,000 numbers in ~80,000 trade and holding objects) into a ~6 MB text; that was ~40%
 * of a sweep point and most of its garbage, which with two workers also kept the GC threads busy.
 * Here the tree is walked once and its text handed to the hash piece by piece, no copy, no big
 * string: what JSON.stringify can write in canonical form by itself, it writes natively (an array of
 * plain values; an array of flat objects of one key order, with its keys in canonical order as the
 * property list), and the rest (the few objects around them) is written by the walk, keys sorted.
 * Keeping the digest, rather than hashing a new binary form, means every hash stored before (backtest
 * folders, `result_hash`, sweeps' rows) still verifies.
 *
 * A tree with anything but plain JSON data (typed arrays, dates, `toJSON`, `__proto__` keys, bigints,
 * a top level that is not an object) goes to canonicalJson whole, so the text is always exactly
 * canonicalJson's.
 */
export function canonicalJsonSha256(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const writer = new HashWriter();
    try {
      if (writer.value(value)) return writer.digest();
    } finally {
      writer.release();
    }
  }
  return sha256Hex(canonicalJson(value) as string);
}

/** A key order seen before: the keys as found and how to write them in canonical order. */
interface Shape {
  keys: readonly string[];
  /** Positions in `keys`, in canonical order. */
  order: readonly number[];
  /** The keys in canonical order: JSON.stringify's property list for an array of such objects. */
  sorted: string[];
  /** `"key":` as UTF-8, per position in `keys`. */
  prefixes: readonly Uint8Array[];
  /** Whether `keys` are in canonical order already. */
  canonical: boolean;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const NULL_BYTES = Uint8Array.from([0x6e, 0x75, 0x6c, 0x6c]);

/** A byte buffer reused across calls (fresh memory costs page faults); a nested call makes its own. */
let spare: Uint8Array | undefined;

/**
 * The canonical text of a tree, written into a buffer that is handed to the hash whenever it fills.
 * `value` returns false, leaving the hash unusable, as soon as it meets what needs canonicalJson.
 */
class HashWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly bytes: Uint8Array = spare ?? new Uint8Array(64 * 1024);
  private at = 0;
  /** Shapes by first key: a result's thousands of trades and holdings share a handful of key orders. */
  private readonly shapes = new Map<string, Shape[]>();

  constructor() {
    spare = undefined;
  }

  release(): void {
    spare = this.bytes;
  }

  digest(): string {
    this.flush();
    return this.hash.digest('hex');
  }

  /** Writes an object or array (the caller handled primitives); false if canonicalJson must do it. */
  value(value: object): boolean {
    if (Array.isArray(value)) return this.array(value);
    const shape = this.plainShape(value);
    if (shape === undefined) return false;
    const record = value as Record<string, unknown>;
    this.byte(0x7b);
    let first = true;
    for (const i of shape.order) {
      const inner = record[shape.keys[i]!];
      // Properties JSON leaves out: undefined, functions and symbols.
      if (inner === undefined || typeof inner === 'function' || typeof inner === 'symbol') continue;
      if (typeof inner === 'bigint') return false;
      if (!first) this.byte(COMMA);
      first = false;
      this.raw(shape.prefixes[i]!);
      if (!this.primitive(inner, false) && !this.value(inner as object)) return false;
    }
    this.byte(0x7d);
    return true;
  }

  private array(value: readonly unknown[]): boolean {
    if ('toJSON' in value) return false;
    const native = this.nativeList(value);
    if (native !== false) {
      this.text(JSON.stringify(value, native ?? undefined));
      return true;
    }
    this.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) this.byte(COMMA);
      const item: unknown = value[i];
      // In an array, what JSON cannot write becomes null.
      if (!this.primitive(item, true) && !this.value(item as object)) return false;
    }
    this.byte(0x5d);
    return true;
  }

  /**
   * Whether JSON.stringify alone writes this array's canonical text: null (no property list) when it
   * holds no objects (and no bigint, on which JSON.stringify throws) or flat plain objects of one key
   * order that is canonical already, the property list when it holds flat plain objects of another
   * single key order (the list applies to every object of the array, so none may nest one), false
   * otherwise. Without a list JSON.stringify takes V8's fast path, about a third faster.
   *
   * Only the first object's keys are listed (Object.keys); the rest are compared with them by for-in,
   * which allocates nothing: a result's tens of thousands of trades and holdings each made a key array
   * before, a good share of a sweep point's garbage.
   */
  private nativeList(value: readonly unknown[]): string[] | null | false {
    let shape: Shape | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'bigint') return false;
      if (typeof item !== 'object' || item === null) {
        if (shape) return false;
        continue;
      }
      if (Array.isArray(item)) return false;
      if (shape === undefined) {
        if (i > 0) return false; // plain values before the first object
        shape = this.plainShape(item);
        if (shape === undefined || !flatWithKeys(item, shape.keys)) return false;
      } else if (!isPlain(item) || !flatWithKeys(item, shape.keys)) return false;
    }
    if (!shape) return null;
    return shape.canonical ? null : shape.sorted;
  }

  /** The shape of a plain object (see isPlain), else undefined. */
  private plainShape(value: object): Shape | undefined {
    return isPlain(value) ? this.shapeOf(Object.keys(value)) : undefined;
  }

  /** Writes a non-object and returns true; false (writing nothing) for an object or array. */
  private primitive(value: unknown, inArray: boolean): boolean {
    switch (typeof value) {
      case 'number':
        // As JSON.stringify: Number#toString (so -0 as 0), NaN and the infinities as null.
        if (Number.isFinite(value)) this.ascii(String(value));
        else this.raw(NULL_BYTES);
        return true;
      case 'string':
        this.string(value);
        return true;
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return true;
      case 'object':
        if (value !== null) return false;
        this.raw(NULL_BYTES);
        return true;
      case 'bigint':
        // JSON.stringify throws on a bigint: canonicalJson (the caller's fallback) does the throwing.
        return false;
      default:
        // undefined, functions and symbols: null in an array (object properties never get here).
        if (!inArray) return false;
        this.raw(NULL_BYTES);
        return true;
    }
  }

  /** A JSON string: plain ASCII directly, anything needing escapes or UTF-8 through JSON.stringify. */
  private string(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code === QUOTE || code === 0x5c || code > 0x7e) {
        this.text(JSON.stringify(text));
        return;
      }
    }
    this.byte(QUOTE);
    this.ascii(text);
    this.byte(QUOTE);
  }

  /** JSON text from JSON.stringify (any characters): straight to the hash, as UTF-8. */
  private text(json: string): void {
    this.flush();
    this.hash.update(json, 'utf8');
  }

  /** Short text known to be ASCII (numbers, literals, checked strings). */
  private ascii(text: string): void {
    if (this.at + text.length > this.bytes.length) {
      this.flush();
      if (text.length > this.bytes.length) {
        this.hash.update(text, 'latin1');
        return;
      }
    }
    for (let i = 0; i < text.length; i++) this.bytes[this.at++] = text.charCodeAt(i);
  }

  private raw(chunk: Uint8Array): void {
    if (this.at + chunk.length > this.bytes.length) {
      this.flush();
      if (chunk.length > this.bytes.length) {
        this.hash.update(chunk);
        return;
      }
    }
    for (let i = 0; i < chunk.length; i++) this.bytes[this.at++] = chunk[i]!;
  }

  private byte(code: number): void {
    if (this.at === this.bytes.length) this.flush();
    this.bytes[this.at++] = code;
  }

  private flush(): void {
    if (this.at > 0) this.hash.update(this.bytes.subarray(0, this.at));
    this.at = 0;
  }

  /** The shape of these keys (found or made), or undefined for a `__proto__` key. */
  private shapeOf(keys: readonly string[]): Shape | undefined {
    const first = keys.length > 0 ? keys[0]! : '';
    let bucket = this.shapes.get(first);
    if (bucket) {
      for (const shape of bucket) if (sameKeys(shape.keys, keys)) return shape;
    } else {
      bucket = [];
      this.shapes.set(first, bucket);
    }
    if (keys.includes('__proto__')) return undefined;
    const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a]!, keys[b]!));
    const prefixes: Uint8Array[] = new Array(keys.length);
    for (const i of order) prefixes[i] = Buffer.from(`${JSON.stringify(keys[i])}:`, 'utf8');
    const canonical = order.every((at, i) => at === i);
    const shape = { keys, order, sorted: order.map((i) => keys[i]!), prefixes, canonical };
    bucket.push(shape);
    return shape;
  }
}

/** No `toJSON`, no prototype but Object's (or none): what the walk and JSON.stringify write alike. */
function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && !('toJSON' in value);
}

/**
 * Whether a plain object's own enumerable keys are exactly `keys`, in that order, with no object
 * (nor bigint) among their values. for-in lists own keys in Object.keys' order; an inherited
 * enumerable key (a polluted Object.prototype) only makes it answer false, and the walk then writes
 * the object from its own keys, as JSON.stringify does.
 */
function flatWithKeys(value: object, keys: readonly string[]): boolean {
  const record = value as Record<string, unknown>;
  let n = 0;
  for (const key in record) {
    if (key !== keys[n]) return false;
    n++;
    const inner = record[key];
    if ((typeof inner === 'object' && inner !== null) || typeof inner === 'bigint') return false;
  }
  return n === keys.length;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The order canonicalJson's sorted copy ends up in: V8 lists integer keys (array indices) first, in
 * numeric order, then the rest in insertion order, which canonicalJson makes the default sort order.
 */
function compareKeys(a: string, b: string): number {
  const indexA = isArrayIndex(a);
  const indexB = isArrayIndex(b);
  if (indexA !== indexB) return indexA ? -1 : 1;
  if (indexA) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(key) && Number(key) <= 4_294_967_294;
}
