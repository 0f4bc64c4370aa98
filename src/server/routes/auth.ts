import { z } from 'zod';
import type { Api } from '../api-types.js';
import { SESSION_COOKIE, type ServerDeps } from '../app.js';
import { SESSION_TTL_MS } from '../auth/accounts.js';
import { errorBody, sendError } from '../errors.js';

const LoginBody = z
  .object({
    username: z.string().min(1, 'required').max(64, 'at most 64 characters'),
    password: z.string().min(1, 'required').max(256, 'at most 256 characters'),
  })
  .strict();

export function registerAuthRoutes(app: Api, deps: ServerDeps): void {
  const limit = deps.loginRateLimit ?? { max: 10, windowMs: 60_000 };

  app.get('/api/auth/session', async (request) => {
    const session = request.session;
    if (!session) return { authenticated: false };
    return { authenticated: true, user: { username: session.username }, csrfToken: session.csrfToken };
  });

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginBody },
      config: {
        rateLimit: {
          max: limit.max,
          timeWindow: limit.windowMs,
          errorResponseBuilder: (_request, context) => ({
            statusCode: 429,
            ...errorBody('RATE_LIMITED', `too many login attempts; try again in ${context.after}`),
            message: `too many login attempts; try again in ${context.after}`,
          }),
        },
      },
    },
    async (request, reply) => {
      const result = await deps.accounts.login(request.body.username, request.body.password, request.ip);
      if (!result) return sendError(reply, 401, 'INVALID_CREDENTIALS', 'wrong username or password');
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

  app.post('/api/auth/logout', async (request, reply) => {
    if (request.sessionToken && request.session) {
      await deps.accounts.logout(request.sessionToken, request.session.username);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
}
