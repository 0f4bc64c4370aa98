import type { HelloEvent } from '../../contract/events.js';
import { msg } from '../../contract/messages.js';
import { EventStream } from '../../contract/text.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { sendError } from '../errors.js';
import type { EventStreams } from '../event-streams.js';

const HEARTBEAT_MS = 15_000;

export function registerEventRoutes(app: Api, deps: ServerDeps, streams: EventStreams): void {
  app.get('/api/events', { schema: { response: { 200: EventStream } } }, (request, reply) => {
    // The wall let this through only with a session.
    const session = request.session;
    const token = request.sessionToken;
    if (!session || !token) {
      sendError(reply, 401, 'UNAUTHENTICATED', msg('LOGIN_REQUIRED', {}));
      return;
    }
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (name: string, data: unknown) => {
      out.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('hello', { serverTime: new Date(deps.ctx.clock.nowMs()).toISOString() } satisfies HelloEvent);
    const unsubscribe = deps.hub.subscribe((event) => send(event.name, event.data));
    const forget = streams.add(token, session.expiresAtMs, () => out.end());
    // The session may also end elsewhere (password reset from the CLI, logout on another replica).
    const heartbeat = setInterval(() => {
      deps.accounts
        .session(token)
        .then((still) => {
          if (still) out.write(': ping\n\n');
          else streams.endSession(token);
        })
        .catch(() => streams.endSession(token));
    }, HEARTBEAT_MS);
    // The response's close covers both ends: the client went away, or the stream was ended here.
    out.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      forget();
    });
  });
}
