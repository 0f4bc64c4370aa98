import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import type { AppContext } from '../app/context.js';
import { ConfigError } from '../config/index.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import type { IbRuntime } from '../marketdata/runtime.js';
import { ThemeCsvError } from '../universe/index.js';
import type { Api } from './api-types.js';
import type { Accounts, SessionInfo } from './auth/accounts.js';
import { errorBody, type FieldError, sendError } from './errors.js';
import type { EventHub } from './event-hub.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerEventRoutes } from './routes/events.js';
import { type ExecutionServerDeps, registerExecutionRoutes } from './routes/execution.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIbRoutes } from './routes/ib.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerResearchRoutes } from './routes/research.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerThemeRoutes } from './routes/themes.js';
import { registerTradingRoutes } from './routes/trading.js';
import type { ConnectionProbe } from './trading-status.js';

export const SESSION_COOKIE = 'ibloop_session';

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | undefined;
    sessionToken: string | undefined;
  }
}

export interface ServerDeps {
  ctx: AppContext;
  accounts: Accounts;
  hub: EventHub;
  /** Folder of the built web app; the API works without it. */
  webRoot: string;
  loginRateLimit?: { max: number; windowMs: number };
  connectionProbe?: ConnectionProbe;
  /** Set Secure on the session cookie (behind TLS). */
  secureCookies?: boolean;
  /** Present on the replica that trades; the others serve execution data read-only. */
  execution?: ExecutionServerDeps;
  /** The IB runtime (adapter, quotes, contracts, bars); the /api/ib routes answer 503 without it. */
  ib?: IbRuntime;
}

export type App = Api;

const PUBLIC_ROUTES = new Set(['/api/health', '/api/auth/login', '/api/auth/session']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildServer(deps: ServerDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.ctx.logger as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('session', undefined);
  app.decorateRequest('sessionToken', undefined);

  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });

  app.addHook('onRequest', async (request, reply) => {
    const url = request.url.split('?')[0] ?? '';
    if (!url.startsWith('/api/')) return;
    request.sessionToken = request.cookies[SESSION_COOKIE];
    request.session = await deps.accounts.session(request.sessionToken);
    if (STATE_CHANGING.has(request.method) && !sameOrigin(request)) {
      return sendError(reply, 403, 'CSRF_FAILED', 'cross-origin request refused');
    }
    if (PUBLIC_ROUTES.has(url)) return;
    if (!request.session) return sendError(reply, 401, 'UNAUTHENTICATED', 'log in first');
    if (STATE_CHANGING.has(request.method) && !csrfTokenMatches(request, request.session)) {
      return sendError(reply, 403, 'CSRF_FAILED', 'missing or wrong x-csrf-token header');
    }
  });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = describeFailure(error);
    if (failure.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(failure.status).send(failure.body);
  });

  const api: Api = app;
  registerHealthRoutes(api, deps);
  registerAuthRoutes(api, deps);
  registerSettingsRoutes(api, deps);
  registerTradingRoutes(api, deps);
  registerAuditRoutes(api, deps);
  registerEventRoutes(api, deps);
  registerThemeRoutes(api, deps);
  registerProjectRoutes(api, deps);
  registerExecutionRoutes(api, deps);
  registerResearchRoutes(api, deps);
  registerIbRoutes(api, deps);

  const indexFile = path.join(deps.webRoot, 'index.html');
  if (existsSync(indexFile)) {
    await app.register(fastifyStatic, { root: deps.webRoot, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.method !== 'GET') {
      return sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`);
    }
    if (!existsSync(indexFile)) {
      return reply
        .code(503)
        .type('text/plain')
        .send('The web app is not built. Run `npm run build` and restart.');
    }
    // Client-side routes (e.g. /audit) all load the single-page app.
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });

  return app;
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function csrfTokenMatches(request: FastifyRequest, session: SessionInfo): boolean {
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' && header.length > 0 && header === session.csrfToken;
}

interface Failure {
  status: number;
  body: ReturnType<typeof errorBody>;
}

function describeFailure(error: unknown): Failure {
  if (error instanceof InputError) {
    return {
      status: 400,
      body: errorBody('VALIDATION_FAILED', error.message, [{ field: error.field, message: error.reason }]),
    };
  }
  if (error instanceof ConflictError) {
    return {
      status: 409,
      body: errorBody('CONFLICT', error.message, [{ field: error.field, message: error.reason }]),
    };
  }
  if (error instanceof NotFoundError) {
    return { status: 404, body: errorBody('NOT_FOUND', error.message) };
  }
  if (error instanceof ZodError) {
    const fields = error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
    return {
      status: 400,
      body: errorBody('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields),
    };
  }
  if (error instanceof ThemeCsvError) {
    const fields = error.errors.map((e) => ({ field: `line ${e.line}: ${e.field}`, message: e.message }));
    return { status: 400, body: errorBody('VALIDATION_FAILED', error.message, fields) };
  }
  if (error instanceof ConfigError) {
    const fields: FieldError[] = error.issues.map((i) => ({ field: i.key, message: i.message }));
    return { status: 400, body: errorBody('VALIDATION_FAILED', error.message, fields) };
  }
  const e = error as {
    validation?: Array<{ instancePath?: string; message?: string; params?: unknown }>;
    statusCode?: number;
    code?: string;
    message?: string;
    validationContext?: string;
  };
  if (Array.isArray(e.validation)) {
    const fields = e.validation.map((v) => ({
      field: fieldName(v.instancePath, e.validationContext),
      message: v.message ?? 'invalid',
    }));
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return { status: 400, body: errorBody('VALIDATION_FAILED', summary, fields) };
  }
  if (e.statusCode === 429) {
    return { status: 429, body: errorBody('RATE_LIMITED', e.message ?? 'too many requests') };
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    return {
      status: e.statusCode,
      body: errorBody('VALIDATION_FAILED', `body: ${e.message ?? 'invalid request'}`, [
        { field: 'body', message: e.message ?? 'invalid' },
      ]),
    };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error; see the server log') };
}

function fieldName(instancePath: string | undefined, context: string | undefined): string {
  const trimmed = (instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return trimmed || context || 'body';
}
