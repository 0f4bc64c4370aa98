import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, type WireValue } from '../../src/sim/protocol/codec.js';

/** A hand-driven TCP client for the tests that must send what no IB client library would. */
export class RawClient {
  readonly messages: string[][] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  private handshakeSeen = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    // Server frames are plain length-prefixed fields, the first one included.
    if (!this.handshakeSeen) {
      this.handshakeSeen = true;
      // A synthetic handshake switches the decoder to field frames.
      this.decoder.push(Buffer.concat([Buffer.from('API\0', 'latin1'), lengthPrefixed('v1..1')]));
    }
    for (const inbound of this.decoder.push(chunk)) {
      if (inbound.kind === 'message') this.messages.push(inbound.fields);
    }
  }

  handshake(range = 'v100..193'): void {
    this.socket.write(Buffer.concat([Buffer.from('API\0', 'latin1'), lengthPrefixed(range)]));
  }

  send(fields: WireValue[]): void {
    this.socket.write(encodeFrame(fields));
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  async waitFor(predicate: (fields: string[]) => boolean, timeoutMs = 3000): Promise<string[]> {
    const started = Date.now();
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for a message');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const started = Date.now();
    while (!this.closed) {
      if (Date.now() - started > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function lengthPrefixed(text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Handshake + startApi; resolves once nextValidId arrived. */
export async function startedRawClient(
  port: number,
  clientId: number,
  range = 'v100..193',
): Promise<RawClient> {
  const client = await RawClient.open(port);
  client.handshake(range);
  client.send([71, 2, clientId, '']);
  await client.waitFor((f) => f[0] === '9');
  return client;
}
