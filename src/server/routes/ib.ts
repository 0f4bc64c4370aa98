import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { testConnection } from '../../brokerage/ib/index.js';
import { InputError } from '../../core/errors.js';
import { auditBars } from '../../marketdata/audit.js';
import { IbJobs, selectorScope } from '../../marketdata/jobs.js';
import type { IbRuntime } from '../../marketdata/runtime.js';
import { type UniverseSelector, universeSymbols } from '../../marketdata/universe.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { sendError } from '../errors.js';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((s) => {
    const ms = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s;
  }, 'is not a calendar date');
const symbolList = z
  .string()
  .max(20_000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
  );

const UniverseQuery = z
  .object({
    theme: z.coerce.number().int().positive('must be a theme id').optional(),
    project: z.string().min(1).max(200).optional(),
    symbols: symbolList.optional(),
  })
  .strict();

const TestConnectionBody = z
  .object({
    host: z.string().trim().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    clientId: z.number().int().min(0).max(2_147_483_647).optional(),
    mode: z.enum(['paper', 'live']).optional(),
    account: z.string().trim().min(1).max(20).optional(),
  })
  .strict();

const AuditQuery = UniverseQuery.extend({
  barSize: z.enum(['1d', '1m']).default('1d'),
  from: day,
  to: day,
}).strict();

const DAY_MS = 86_400_000;
/**
 * Largest backfill windows. A daily chunk is one request per symbol-year, a minute chunk one per
 * symbol-week, and IB allows 60 requests per 10 minutes: a quarter of minute bars for 100 symbols
 * is already ~1,400 requests (about 4 hours), so minute backfills go a quarter at a time.
 */
const MAX_BACKFILL_DAYS = { '1d': 366 * 30, '1m': 93 } as const;

const BackfillBody = z
  .object({
    project: z.union([z.string().trim().min(1).max(200), z.number().int().positive()]).optional(),
    theme: z.number().int().positive('must be a theme id').optional(),
    symbols: z.union([symbolList, z.array(z.string().trim().min(1).max(12)).max(5_000)]).optional(),
    barSize: z.enum(['1d', '1m'], { error: 'must be 1d (daily) or 1m (minute)' }),
    from: day,
    to: day,
  })
  .strict()
  .superRefine((body, issue) => {
    const given = [body.project, body.theme, body.symbols].filter((v) => v !== undefined).length;
    if (given !== 1) {
      issue.addIssue({
        code: 'custom',
        path: ['universe'],
        message: 'give exactly one of project, theme or symbols',
      });
    }
    if (body.from > body.to) {
      issue.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
      return;
    }
    const days = (Date.parse(body.to) - Date.parse(body.from)) / DAY_MS + 1;
    const max = MAX_BACKFILL_DAYS[body.barSize];
    if (days > max) {
      issue.addIssue({
        code: 'custom',
        path: ['to'],
        message: `the window is ${days} days; at most ${max} days of ${body.barSize} bars per backfill`,
      });
    }
  });

const RefreshQuery = z
  .object({
    wait: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .transform((v) => v === 'true'),
  })
  .strict();

/** The test connection uses this offset from the trading client id so it never takes the trader's id. */
const TEST_CLIENT_ID_OFFSET = 100;

function unavailable(reply: FastifyReply) {
  return sendError(
    reply,
    503,
    'INTERNAL',
    'the IB runtime is not running (IB is not configured or the server started without it)',
  );
}

export function registerIbRoutes(
  app: Api,
  deps: Pick<ServerDeps, 'ctx'> & { ib?: IbRuntime | undefined },
): void {
  let closing = false;
  // A job keeps the runtime it started with; it stops waiting once the server closes or the
  // runtime was replaced (IB settings changed).
  const ibJobs = new IbJobs({
    jobs: deps.ctx.jobs,
    clock: deps.ctx.clock,
    stopped: (runtime) => closing || deps.ib !== runtime,
  });
  app.addHook('onClose', async () => {
    closing = true;
  });
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';
  const nonEmptyUniverse = async (selector: UniverseSelector): Promise<string[]> => {
    const symbols = await universeSymbols(deps.ctx, selector);
    if (symbols.length === 0) throw new InputError('universe', 'has no symbols');
    return symbols;
  };

  app.get('/api/ib/status', async (_request, reply) => {
    if (!deps.ib) return unavailable(reply);
    return deps.ib.status();
  });

  app.post('/api/ib/test-connection', { schema: { body: TestConnectionBody } }, async (request) => {
    const settings = await deps.ctx.settings.resolve();
    const body = request.body;
    const clientId = body.clientId ?? Number(settings.IB_CLIENT_ID.value ?? 1) + TEST_CLIENT_ID_OFFSET;
    const account = body.account ?? (settings.IB_ACCOUNT.value as string | undefined);
    return testConnection(
      {
        host: body.host ?? String(settings.IB_HOST.value ?? '127.0.0.1'),
        port: body.port ?? Number(settings.IB_PORT.value ?? 4002),
        clientId,
        mode: body.mode ?? (settings.IB_MODE.value === 'live' ? 'live' : 'paper'),
        ...(account ? { account } : {}),
      },
      deps.ctx.clock,
    );
  });

  app.get('/api/ib/contracts', { schema: { querystring: UniverseQuery } }, async (request, reply) => {
    if (!deps.ib) return unavailable(reply);
    const symbols = await universeSymbols(deps.ctx, request.query);
    return deps.ib.contracts.report(symbols);
  });

  /**
   * Resolves missing or stale contracts as job `ib.contracts` (202 { job }); `?wait=true` waits for
   * the job and answers its resolution report, as this route did before it became a job.
   */
  app.post(
    '/api/ib/contracts/refresh',
    { schema: { body: UniverseQuery, querystring: RefreshQuery } },
    async (request, reply) => {
      const runtime = deps.ib;
      if (!runtime) return unavailable(reply);
      const symbols = await nonEmptyUniverse(request.body);
      const started = await ibJobs.startContractsRefresh(runtime, {
        symbols,
        scope: selectorScope(request.body, symbols),
        actor: actor(request.session),
        params: request.body,
      });
      if (!request.query.wait) return reply.code(202).send(started);
      const job = await deps.ctx.jobs.wait(started.job.id);
      if (job.status === 'failed') throw new Error(`contract refresh failed: ${job.error ?? ''}`);
      return job.result;
    },
  );

  /** Historical bars for a universe and window as job `ib.backfill` (202 { job }). */
  app.post('/api/ib/backfill', { schema: { body: BackfillBody } }, async (request, reply) => {
    const runtime = deps.ib;
    if (!runtime) return unavailable(reply);
    const { barSize, from, to, ...given } = request.body;
    const selector: UniverseSelector = given;
    const symbols = await nonEmptyUniverse(selector);
    const started = await ibJobs.startBackfill(runtime, {
      symbols,
      barSize,
      from,
      to,
      scope: selectorScope(selector, symbols),
      actor: actor(request.session),
      params: { ...given, barSize, from, to },
    });
    return reply.code(202).send(started);
  });

  app.get('/api/ib/quotes', async (_request, reply) => {
    if (!deps.ib) return unavailable(reply);
    return { source: 'ib', quotes: deps.ib.quotes.snapshot() };
  });

  /** Which symbols stream level-1 quotes: a project's or theme's universe, or a list (within the line budget). */
  app.put('/api/ib/quotes/universe', { schema: { body: UniverseQuery } }, async (request, reply) => {
    if (!deps.ib) return unavailable(reply);
    const symbols = await universeSymbols(deps.ctx, request.body);
    const result = deps.ib.quotes.setUniverse(symbols);
    return { source: 'ib', ...result };
  });

  app.get('/api/ib/bars/audit', { schema: { querystring: AuditQuery } }, async (request, reply) => {
    if (!deps.ib) return unavailable(reply);
    const { barSize, from, to, ...selector } = request.query;
    const symbols = await universeSymbols(deps.ctx, selector);
    const size = barSize === '1d' ? '1 day' : '1 min';
    const now = deps.ctx.clock.nowMs();
    const runtime = deps.ib;
    return { source: 'ib', audits: symbols.map((s) => auditBars(runtime.bars, s, size, from, to, now)) };
  });
}
