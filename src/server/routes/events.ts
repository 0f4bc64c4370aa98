import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const HEARTBEAT_MS = 15_000;

export function registerEventRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/events', (request, reply) => {
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
    send('hello', { serverTime: new Date(deps.ctx.clock.nowMs()).toISOString() });
    const unsubscribe = deps.hub.subscribe((event) => send(event.name, event.data));
    const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });
}
