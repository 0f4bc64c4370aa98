import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake Bot API does with the next requests; the first matching phase wins. */
export type TelegramBehaviour =
  | { kind: 'ok' }
  | { kind: '429'; retryAfter: number }
  | { kind: '500' }
  | { kind: 'hang' }
  | { kind: 'error'; status: number; description: string };

export interface ReceivedMessage {
  chatId: string;
  text: string;
  atMs: number;
  silent: boolean;
  parseMode: string | undefined;
}

export interface TelegramServer {
  url: string;
  /** Every accepted sendMessage, in arrival order. */
  messages: ReceivedMessage[];
  /** Every request: method and the answer's status ('hang' when never answered). */
  requests: Array<{ method: string; token: string; status: number | 'hang'; atMs: number }>;
  /** Sets the answer for the following requests until changed. */
  behave(behaviour: TelegramBehaviour): void;
  /** Plays phases one after the other from the next request on, each for a duration in milliseconds, then `then`. */
  schedule(phases: Array<{ behaviour: TelegramBehaviour; forMs: number }>, then?: TelegramBehaviour): void;
  close(): Promise<void>;
}

export const TEST_BOT_TOKEN = '123456789:AAE_test-token-for-the-local-bot-api-0123';
export const TEST_CHAT_ID = '4242';

/**
 * A local HTTP server speaking enough of the Telegram Bot API (getMe, sendMessage) for the alert tests:
 * answers 200, 429 with retry_after, 500, an error with a description, or never answers.
 */
export async function startTelegramServer(
  options: { token?: string; knownChats?: string[] } = {},
): Promise<TelegramServer> {
  const token = options.token ?? TEST_BOT_TOKEN;
  const chats = new Set(options.knownChats ?? [TEST_CHAT_ID, '-1001234567890']);
  let behaviour: TelegramBehaviour = { kind: 'ok' };
  let timeline: {
    /** Set by the first request after `schedule`: phases count from when the client starts asking. */
    startMs: number | null;
    phases: Array<{ behaviour: TelegramBehaviour; forMs: number }>;
    then: TelegramBehaviour;
  } | null = null;
  const messages: ReceivedMessage[] = [];
  const requests: TelegramServer['requests'] = [];
  const hanging = new Set<ServerResponse>();
  let nextMessageId = 1;

  const current = (): TelegramBehaviour => {
    if (!timeline) return behaviour;
    timeline.startMs ??= Date.now();
    let elapsed = Date.now() - timeline.startMs;
    for (const phase of timeline.phases) {
      if (elapsed < phase.forMs) return phase.behaviour;
      elapsed -= phase.forMs;
    }
    return timeline.then;
  };

  const reply = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
    const method = match?.[2] ?? '';
    const given = match?.[1] ?? '';
    const now = Date.now();
    const record = (status: number | 'hang') => requests.push({ method, token: given, status, atMs: now });
    if (!match) {
      record(404);
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const b = current();
    if (b.kind === 'hang') {
      record('hang');
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (b.kind === '429') {
      record(429);
      return reply(res, 429, {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${b.retryAfter}`,
        parameters: { retry_after: b.retryAfter },
      });
    }
    if (b.kind === '500') {
      record(500);
      return reply(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
    }
    if (b.kind === 'error') {
      record(b.status);
      return reply(res, b.status, { ok: false, error_code: b.status, description: b.description });
    }
    if (given !== token) {
      record(401);
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    if (method === 'getMe') {
      record(200);
      return reply(res, 200, {
        ok: true,
        result: { id: 123456789, is_bot: true, username: 'ibloop_test_bot' },
      });
    }
    if (method === 'sendMessage') {
      let body: { chat_id?: unknown; text?: unknown; disable_notification?: unknown; parse_mode?: unknown };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        record(400);
        return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      }
      const chatId = String(body.chat_id ?? '');
      const text = typeof body.text === 'string' ? body.text : '';
      if (!chats.has(chatId)) {
        record(400);
        return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
      }
      if (text.length === 0 || text.length > 4096) {
        record(400);
        return reply(res, 400, {
          ok: false,
          error_code: 400,
          description:
            text.length === 0 ? 'Bad Request: message text is empty' : 'Bad Request: message is too long',
        });
      }
      record(200);
      messages.push({
        chatId,
        text,
        atMs: now,
        silent: body.disable_notification === true,
        parseMode: typeof body.parse_mode === 'string' ? body.parse_mode : undefined,
      });
      return reply(res, 200, {
        ok: true,
        result: {
          message_id: nextMessageId++,
          date: Math.floor(now / 1000),
          chat: { id: Number(chatId) },
          text,
        },
      });
    }
    record(404);
    return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    requests,
    behave(next) {
      timeline = null;
      behaviour = next;
    },
    schedule(phases, then = { kind: 'ok' }) {
      timeline = { startMs: null, phases, then };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
