import { setTimeout as sleep } from 'node:timers/promises';
import { LoginRequest, LoginResponse, SessionResponse } from '../../contract/core.js';
import { msg } from '../../contract/messages.js';
import { NoContent } from '../../contract/text.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { SESSION_TTL_MS } from '../auth/accounts.js';
import type { LoginThrottle } from '../auth/throttle.js';
import { SESSION_COOKIE } from '../auth/wall.js';
import { EdgeRefusal, sendError } from '../errors.js';
import type { EventStreams } from '../event-streams.js';

export interface AuthRouteDeps {
  throttle: LoginThrottle;
  streams: EventStreams;
}

export function registerAuthRoutes(app: Api, deps: ServerDeps, auth: AuthRouteDeps): void {
  const limit = deps.loginRateLimit ?? { max: 10, windowMs: 60_000 };

  app.get(
    '/api/auth/session',
    { config: { public: true }, schema: { response: { 200: SessionResponse } } },
    async (request) => {
      const session = request.session;
      if (!session) return { authenticated: false };
      return { authenticated: true, user: { username: session.username }, csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginRequest, response: { 200: LoginResponse } },
      config: {
        public: true,
        rateLimit: {
          max: limit.max,
          timeWindow: limit.windowMs,
          // Thrown by the plugin, so the error handler answers it (with its text) like any refusal.
          errorResponseBuilder: (_request, context) =>
            new EdgeRefusal(
              429,
              'RATE_LIMITED',
              msg('LOGIN_ATTEMPTS_LIMITED', { seconds: Math.ceil(context.ttl / 1000) }),
            ),
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const gate = auth.throttle.before(request.ip, username);
      if (gate.refused) {
        const seconds = Math.ceil(gate.retryAfterMs / 1000);
        reply.header('retry-after', String(seconds));
        return sendError(reply, 429, 'RATE_LIMITED', msg('LOGIN_FAILURES_THROTTLED', { seconds }));
      }
      if (gate.delayMs > 0) await sleep(gate.delayMs);
      const result = await deps.accounts.login(username, password, request.ip);
      if (!result.ok) {
        auth.throttle.failed(request.ip, result.account);
        return sendError(reply, 401, 'INVALID_CREDENTIALS', msg('LOGIN_WRONG_CREDENTIALS', {}));
      }
      auth.throttle.succeeded(request.ip, result.session.username);
      reply.setCookie(SESSION_COOKIE, result.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: deps.secureCookies ?? false,
        maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return { user: { username: result.session.username }, csrfToken: result.session.csrfToken };
    },
  );

  app.post('/api/auth/logout', { schema: { response: { 204: NoContent } } }, async (request, reply) => {
    if (request.sessionToken && request.session) {
      await deps.accounts.logout(request.sessionToken, request.session.username);
      auth.streams.endSession(request.sessionToken);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/', secure: deps.secureCookies ?? false });
    return reply.code(204).send(null);
  });
}
