import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawRequest {
  method: string;
  /** Sent as is on the request line: any spelling, including the absolute form. */
  target: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address of the connection (127.0.0.2 is another loopback client). */
  localAddress?: string;
}

/**
 * One HTTP/1.1 request over a fresh socket, written byte for byte: fetch would normalise the path
 * (`/%61pi`, `//api`) or refuse the absolute form, which are exactly what these tests send.
 */
export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  const body = request.body ?? '';
  const headers: Record<string, string> = {
    host: `127.0.0.1:${port}`,
    connection: 'close',
    ...(body || !['GET', 'HEAD'].includes(request.method)
      ? { 'content-length': String(Buffer.byteLength(body)) }
      : {}),
    ...request.headers,
  };
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      ...(request.localAddress ? { localAddress: request.localAddress } : {}),
    });
    const chunks: Buffer[] = [];
    // Not end(): a half-closed socket may be dropped before a slow answer (login runs scrypt).
    socket.on('connect', () => socket.write(`${head}\r\n\r\n${body}`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      // latin1 keeps one character per byte, so chunk sizes (bytes) index the text.
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let rest = text.slice(split + 4);
      if (parsed['transfer-encoding'] === 'chunked') rest = dechunk(rest);
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers: parsed,
        body: Buffer.from(rest, 'latin1').toString('utf8'),
      });
    });
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
