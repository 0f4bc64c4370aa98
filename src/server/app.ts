import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import type { AppContext } from '../app/context.js';
import { BrokerUnavailableError } from '../brokerage/index.js';
import { ConfigError } from '../config/index.js';
import { englishText, type Message, msg } from '../contract/messages.js';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import type { IbRuntime } from '../marketdata/runtime.js';
import { ThemeCsvError } from '../universe/index.js';
import { registerApiDocs } from './api-docs.js';
import type { Api } from './api-types.js';
import type { Accounts } from './auth/accounts.js';
import { HostAllowList } from './auth/hosts.js';
import { LoginThrottle, type LoginThrottleOptions } from './auth/throttle.js';
import { looksLikeApi, type RouteEntry, registerAuthWall, registerPublic } from './auth/wall.js';
import { EdgeRefusal, type ErrorCode, errorBody, type FieldError, sendError } from './errors.js';
import type { EventHub } from './event-hub.js';
import { EventStreams } from './event-streams.js';
import { fieldText } from './field-text.js';
import { RequestLogController } from './request-log.js';
import { registerAccountRoutes } from './routes/account.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerDecisionRoutes } from './routes/decisions.js';
import { registerEventRoutes } from './routes/events.js';
import { type ExecutionServerDeps, registerExecutionRoutes } from './routes/execution.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIbRoutes } from './routes/ib.js';
import { registerMarketRoutes } from './routes/market.js';
import { registerOpsRoutes } from './routes/ops.js';
import { registerPipelineRoutes } from './routes/pipeline.js';
import { registerProjectRoutes } from './routes/projects.js';
import { registerResearchRoutes } from './routes/research.js';
import { registerRiskRoutes } from './routes/risk.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerThemeRoutes } from './routes/themes.js';
import { registerTradingRoutes } from './routes/trading.js';
import type { ConnectionProbe } from './trading-status.js';

export { type RouteEntry, SESSION_COOKIE } from './auth/wall.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route with whether it is public; filled as routes register. */
    routeTable: readonly RouteEntry[];
    /** Open server-sent event streams; ended at logout, session expiry and shutdown. */
    eventStreams: EventStreams;
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
  /** Served over HTTPS (behind a TLS proxy): Secure on the session cookie, HSTS. */
  secureCookies?: boolean;
  /** Host names answered besides the loopback listen address (reverse proxy names). */
  publicHostnames?: readonly string[];
  /** Proxies whose X-Forwarded-For is believed for the client address. */
  trustProxy?: readonly string[];
  /** Login back-off per address and per account (defaults: DEFAULT_LOGIN_THROTTLE). */
  loginThrottle?: LoginThrottleOptions;
  /** Present on the replica that trades; the others serve execution data read-only. */
  execution?: ExecutionServerDeps;
  /** The IB runtime (adapter, quotes, contracts, bars); the /api/ib routes answer 503 without it. */
  ib?: IbRuntime;
}

export type App = Api;

export async function buildServer(deps: ServerDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.ctx.logger as FastifyBaseLogger,
    // Requests are logged at debug, once each (request-log.ts).
    logController: new RequestLogController(),
    bodyLimit: 1024 * 1024,
    ...(deps.trustProxy && deps.trustProxy.length > 0 ? { trustProxy: deps.trustProxy.join(',') } : {}),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyHelmet, securityHeaders(deps.secureCookies ?? false));
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  const hosts = new HostAllowList(
    deps.ctx.bootstrap.listenHost,
    () => {
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : undefined;
    },
    deps.publicHostnames ?? [],
  );
  app.decorate('routeTable', registerAuthWall(app, { accounts: deps.accounts, hosts }));
  await registerApiDocs(app);
  const streams = new EventStreams(deps.ctx.clock);
  app.decorate('eventStreams', streams);
  // Open event streams never end by themselves: close them or `close()` waits forever.
  app.addHook('preClose', async () => streams.endAll());
  const throttle = new LoginThrottle(deps.ctx.clock, deps.loginThrottle);

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const failure = describeFailure(error);
    if (failure.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(failure.status).send(failure.body);
  });

  const api: Api = app;
  registerHealthRoutes(api, deps);
  registerAuthRoutes(api, deps, { throttle, streams });
  registerSettingsRoutes(api, deps);
  registerTradingRoutes(api, deps);
  registerAuditRoutes(api, deps);
  registerEventRoutes(api, deps, streams);
  registerThemeRoutes(api, deps);
  registerProjectRoutes(api, deps);
  registerExecutionRoutes(api, deps);
  registerResearchRoutes(api, deps);
  registerIbRoutes(api, deps);
  registerRiskRoutes(api, deps);
  registerDecisionRoutes(api, deps);
  registerPipelineRoutes(api, deps);
  registerAlertRoutes(api, deps);
  registerAccountRoutes(api, deps);
  registerMarketRoutes(api, deps);
  registerOpsRoutes(api, deps);

  const indexFile = path.join(deps.webRoot, 'index.html');
  // The built app's files and the single-page fallback are public: they carry no data. The fallback
  // lives beside the static plugin, whose sendFile exists only in this context.
  await registerPublic(app, async (web) => {
    if (existsSync(indexFile)) {
      await web.register(fastifyStatic, { root: deps.webRoot, wildcard: false, index: ['index.html'] });
    }
    web.setNotFoundHandler((request, reply) => {
      if (looksLikeApi(request.url) || request.method !== 'GET') {
        const path = request.url.split('?')[0] ?? '';
        return sendError(reply, 404, 'NOT_FOUND', msg('ROUTE_NOT_FOUND', { method: request.method, path }));
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
  });

  return app;
}

/**
 * Headers for every response. The CSP fits the built web app: its own scripts only, inline styles
 * (Ant Design injects them at run time), images and fonts from itself or data: URLs, API calls to
 * itself. Not framed anywhere. HSTS and upgrading sub-requests only when served over HTTPS.
 */
function securityHeaders(https: boolean) {
  return {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' as const },
    referrerPolicy: { policy: 'no-referrer' as const },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  };
}

interface Failure {
  status: number;
  body: ReturnType<typeof errorBody>;
}

/** The one field an input or conflict error names, with its catalogued text when it has one. */
function fieldOf(error: InputError | ConflictError): FieldError {
  return { field: error.field, message: error.reason, ...(error.text ? { text: error.text } : {}) };
}

function describeFailure(error: unknown): Failure {
  if (error instanceof InputError) {
    return {
      status: 400,
      body: errorBody('VALIDATION_FAILED', error.message, [fieldOf(error)], error),
    };
  }
  if (error instanceof ConflictError) {
    return {
      status: 409,
      body: errorBody('CONFLICT', error.message, [fieldOf(error)], error),
    };
  }
  if (error instanceof NotFoundError) {
    return { status: 404, body: errorBody('NOT_FOUND', error.message, undefined, error) };
  }
  if (error instanceof BrokerUnavailableError) {
    // IB refused before anything was sent: why, as a code the UI renders (src/brokerage/port.ts).
    return { status: 503, body: errorBody('BROKER_UNAVAILABLE', error.message, undefined, error) };
  }
  if (error instanceof ZodError) {
    const fields = error.issues.map((i) => ({
      field: i.path.join('.') || 'body',
      message: i.message,
      text: fieldText(i),
    }));
    return {
      status: 400,
      body: errorBody('VALIDATION_FAILED', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields),
    };
  }
  if (error instanceof ThemeCsvError) {
    const fields = error.errors.map((e) => ({
      field: `line ${e.line}: ${e.field}`,
      message: e.message,
      text: msg('THEME_CSV_LINE_INVALID', { line: e.line, field: e.field, detail: e.message }),
    }));
    return { status: 400, body: errorBody('VALIDATION_FAILED', error.message, fields) };
  }
  if (error instanceof ConfigError) {
    const fields: FieldError[] = error.issues.map((i) => ({
      field: i.key,
      message: i.message,
      ...(i.text ? { text: i.text } : {}),
    }));
    return { status: 400, body: errorBody('VALIDATION_FAILED', error.message, fields) };
  }
  const e = error as {
    validation?: Array<{ instancePath?: string; keyword?: string; message?: string; params?: unknown }>;
    statusCode?: number;
    code?: string;
    message?: string;
    validationContext?: string;
  };
  if (Array.isArray(e.validation)) {
    const fields = e.validation.map((v) => ({
      field: fieldName(v.instancePath, e.validationContext),
      message: v.message ?? 'invalid',
      // The zod type provider puts the issue's code in `keyword` and the rest of it in `params`.
      text: fieldText({
        ...(typeof v.params === 'object' && v.params !== null ? v.params : {}),
        code: v.keyword ?? '',
        message: v.message,
      }),
    }));
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return { status: 400, body: errorBody('VALIDATION_FAILED', summary, fields) };
  }
  if (error instanceof EdgeRefusal) return said(error.statusCode, error.code, error.text);
  if (e.statusCode === 429) return said(429, 'RATE_LIMITED', msg('REQUESTS_RATE_LIMITED', {}));
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    const text = clientErrorText(e.statusCode, e.code, e.message);
    return {
      status: e.statusCode,
      body: errorBody(
        'VALIDATION_FAILED',
        `body: ${e.message ?? 'invalid request'}`,
        [{ field: 'body', message: e.message ?? 'invalid', text }],
        { text },
      ),
    };
  }
  return said(500, 'INTERNAL', msg('INTERNAL_ERROR', {}));
}

/** A failure that is only its catalogued text; the English message is derived from it. */
function said(status: number, code: ErrorCode, text: Message): Failure {
  return { status, body: errorBody(code, englishText(text), undefined, { text }) };
}

/** Fastify's own client errors by their code; one this table does not know keeps Fastify's words. */
function clientErrorText(status: number, code: string | undefined, detail: string | undefined): Message {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return msg('BODY_TOO_LARGE', {});
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return msg('BODY_NOT_JSON', {});
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return msg('BODY_EMPTY_JSON', {});
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return msg('BODY_MEDIA_TYPE_UNSUPPORTED', {});
    default:
      return msg('REQUEST_REFUSED', { status, detail: detail ?? '' });
  }
}

function fieldName(instancePath: string | undefined, context: string | undefined): string {
  const trimmed = (instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return trimmed || context || 'body';
}
