/**
 * Wire framing of the TWS socket protocol (v100+): every message is a 4-byte big-endian length and a
 * payload of NUL-terminated text fields. The connection opens with the raw bytes `API\0` followed by
 * one framed version range (`v<min>..<max>`), which is the only frame not made of fields.
 */

export const API_PREFIX = Buffer.from('API\0', 'latin1');
/** IB's own clients cap frames at 16 MiB - 1; anything larger is treated as garbage. */
export const DEFAULT_MAX_FRAME_BYTES = 0xffffff;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export type WireValue = string | number | boolean | null | undefined;

/** IB's "unset" double and int, which strict decoders map back to undefined. */
export const UNSET_DOUBLE = '1.7976931348623157E308';
export const UNSET_INT = 2147483647;

function fieldText(value: WireValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ProtocolError(`cannot encode non-finite number ${value}`);
    return String(value);
  }
  if (value.includes('\0')) throw new ProtocolError('field text must not contain NUL');
  return value;
}

/** One framed message from already-ordered fields (message id first). */
export function encodeFrame(fields: readonly WireValue[]): Buffer {
  const payload = Buffer.from(`${fields.map(fieldText).join('\0')}\0`, 'utf8');
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  payload.copy(frame, 4);
  return frame;
}

export interface VersionRange {
  min: number;
  max: number;
  /** Anything after the range (IB's connect options such as `+PACEAPI`). */
  options: string;
}

/** Parses `v100..193`, `v176` or `v157..178 +PACEAPI`. */
export function parseVersionRange(text: string): VersionRange {
  const match = /^v(\d{1,4})(?:\.\.(\d{1,4}))?(?:\s+(.*))?$/.exec(text.trim());
  if (!match) throw new ProtocolError(`bad version range "${text.slice(0, 40)}"`);
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : Number(match[2]);
  if (min > max) throw new ProtocolError(`bad version range "${text}"`);
  return { min, max, options: match[3] ?? '' };
}

export type Inbound = { kind: 'handshake'; range: VersionRange } | { kind: 'message'; fields: string[] };

/**
 * Incremental decoder for one client connection. Feed it socket chunks; it returns whole messages and
 * throws ProtocolError on anything a real client would never send (bad prefix, bad length, a payload
 * that is not NUL-terminated, an oversize frame), after which the connection must be closed.
 */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private handshakeDone = false;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Bytes received but not yet forming a whole message (a truncated frame at close). */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): Inbound[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: Inbound[] = [];
    for (;;) {
      if (!this.handshakeDone) {
        const prefixBytes = Math.min(this.buffer.length, API_PREFIX.length);
        if (!this.buffer.subarray(0, prefixBytes).equals(API_PREFIX.subarray(0, prefixBytes))) {
          throw new ProtocolError('connection did not start with API\\0');
        }
        if (this.buffer.length < API_PREFIX.length + 4) return out;
        const length = this.readLength(API_PREFIX.length);
        if (this.buffer.length < API_PREFIX.length + 4 + length) return out;
        const start = API_PREFIX.length + 4;
        const text = this.buffer
          .subarray(start, start + length)
          .toString('latin1')
          .replace(/\0+$/, '');
        this.buffer = this.buffer.subarray(start + length);
        this.handshakeDone = true;
        out.push({ kind: 'handshake', range: parseVersionRange(text) });
        continue;
      }
      if (this.buffer.length < 4) return out;
      const length = this.readLength(0);
      if (this.buffer.length < 4 + length) return out;
      const payload = this.buffer.subarray(4, 4 + length);
      this.buffer = this.buffer.subarray(4 + length);
      if (payload[payload.length - 1] !== 0) throw new ProtocolError('message is not NUL-terminated');
      const fields = payload
        .subarray(0, payload.length - 1)
        .toString('utf8')
        .split('\0');
      out.push({ kind: 'message', fields });
    }
  }

  private readLength(offset: number): number {
    const length = this.buffer.readUInt32BE(offset);
    if (length === 0) throw new ProtocolError('empty frame');
    if (length > this.maxFrameBytes) {
      throw new ProtocolError(`frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`);
    }
    return length;
  }
}

/**
 * Typed, strict reading of one inbound message's fields. A wrong type throws ProtocolError: real
 * clients never send them, so the connection is treated as broken.
 */
export class FieldReader {
  private index = 0;

  constructor(
    private readonly fields: readonly string[],
    readonly messageName: string,
  ) {}

  get remaining(): number {
    return this.fields.length - this.index;
  }

  skip(count: number): void {
    this.index += count;
  }

  str(): string {
    if (this.index >= this.fields.length) {
      throw new ProtocolError(`${this.messageName}: missing field ${this.index}`);
    }
    return this.fields[this.index++] ?? '';
  }

  /** Optional trailing field: empty when the client sent fewer fields. */
  optStr(): string {
    return this.index < this.fields.length ? (this.fields[this.index++] ?? '') : '';
  }

  int(): number {
    const raw = this.str();
    if (raw === '') return 0;
    if (!/^-?\d+$/.test(raw))
      throw new ProtocolError(
        `${this.messageName}: field ${this.index - 1} "${raw.slice(0, 20)}" is not an integer`,
      );
    return Number(raw);
  }

  /** Integer or undefined when empty or IB's unset value. */
  optInt(): number | undefined {
    const raw = this.str();
    if (raw === '') return undefined;
    if (!/^-?\d+$/.test(raw))
      throw new ProtocolError(
        `${this.messageName}: field ${this.index - 1} "${raw.slice(0, 20)}" is not an integer`,
      );
    const value = Number(raw);
    return value === UNSET_INT ? undefined : value;
  }

  /** Number or undefined when empty or IB's unset double. */
  optNumber(): number | undefined {
    const raw = this.str().trim();
    if (raw === '') return undefined;
    const value = Number(raw);
    if (Number.isNaN(value))
      throw new ProtocolError(
        `${this.messageName}: field ${this.index - 1} "${raw.slice(0, 20)}" is not a number`,
      );
    if (value >= Number.MAX_VALUE || !Number.isFinite(value)) return undefined;
    return value;
  }

  bool(): boolean {
    const raw = this.str();
    if (raw === '' || raw === '0' || raw.toLowerCase() === 'false') return false;
    if (raw === '1' || raw.toLowerCase() === 'true') return true;
    throw new ProtocolError(
      `${this.messageName}: field ${this.index - 1} "${raw.slice(0, 20)}" is not a boolean`,
    );
  }
}
