import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { testConnection } from '../../brokerage/ib/index.js';
import { auditBars } from '../../marketdata/audit.js';
import type { IbRuntime } from '../../marketdata/runtime.js';
import { universeSymbols } from '../../marketdata/universe.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { sendError } from '../errors.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
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

  app.post('/api/ib/contracts/refresh', { schema: { body: UniverseQuery } }, async (request, reply) => {
    if (!deps.ib) return unavailable(reply);
    const symbols = await universeSymbols(deps.ctx, request.body);
    return deps.ib.contracts.refresh(symbols);
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
