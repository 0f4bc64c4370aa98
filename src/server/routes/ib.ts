import type { FastifyReply } from 'fastify';
import { testConnection } from '../../brokerage/ib/index.js';
import { BrokerUnavailableError } from '../../brokerage/index.js';
import {
  BackfillRequest,
  BarAuditQuery,
  BarAuditResponse,
  IbStatus,
  QuotesResponse,
  QuoteUniverseResponse,
  RefreshQuery,
  ResolutionReport,
  TestConnectionRequest,
  TestConnectionResult,
  UniverseQuery,
} from '../../contract/ib.js';
import { msg } from '../../contract/messages.js';
import { StartedJob } from '../../contract/research.js';
import { InputError } from '../../core/errors.js';
import type { Job } from '../../jobs/index.js';
import { auditBars } from '../../marketdata/audit.js';
import { IbJobs, selectorScope } from '../../marketdata/jobs.js';
import type { IbRuntime } from '../../marketdata/runtime.js';
import { type UniverseSelector, universeSymbols } from '../../marketdata/universe.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { errorBody } from '../errors.js';

/** The test connection uses this offset from the trading client id so it never takes the trader's id. */
const TEST_CLIENT_ID_OFFSET = 100;

function unavailable(reply: FastifyReply) {
  return reply
    .code(503)
    .send(
      errorBody(
        'INTERNAL',
        'the IB runtime is not running (IB is not configured or the server started without it)',
        undefined,
        { text: msg('IB_RUNTIME_NOT_RUNNING', {}) },
      ),
    );
}

/**
 * A job that failed because IB refused (not connected, or not tradable): the same refusal, so that
 * the waiting request answers 503 with its code rather than an internal error.
 */
function brokerRefusal(job: Job): BrokerUnavailableError | null {
  const text = job.text;
  const detail = (job.error ?? '').replace(/^broker unavailable \(\w+\): /, '');
  if (text?.code === 'BROKER_UNAVAILABLE')
    return new BrokerUnavailableError(text.params.status, detail, text.params.reason);
  if (text?.code === 'BROKER_NOT_CONNECTED') return new BrokerUnavailableError(text.params.status, detail);
  return null;
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
    if (symbols.length === 0)
      throw new InputError('universe', 'has no symbols', msg('UNIVERSE_HAS_NO_SYMBOLS', {}));
    return symbols;
  };

  app.get('/api/ib/status', { schema: { response: { 200: IbStatus } } }, async (_request, reply) => {
    if (!deps.ib) return unavailable(reply);
    return deps.ib.status();
  });

  app.post(
    '/api/ib/test-connection',
    { schema: { body: TestConnectionRequest, response: { 200: TestConnectionResult } } },
    async (request) => {
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
    },
  );

  app.get(
    '/api/ib/contracts',
    { schema: { querystring: UniverseQuery, response: { 200: ResolutionReport } } },
    async (request, reply) => {
      if (!deps.ib) return unavailable(reply);
      const symbols = await universeSymbols(deps.ctx, request.query);
      return deps.ib.contracts.report(symbols);
    },
  );

  /**
   * Resolves missing or stale contracts as job `ib.contracts` (202 { job }); `?wait=true` waits for
   * the job and answers its resolution report, as this route did before it became a job.
   */
  app.post(
    '/api/ib/contracts/refresh',
    {
      schema: {
        body: UniverseQuery,
        querystring: RefreshQuery,
        response: { 200: ResolutionReport, 202: StartedJob },
      },
    },
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
      if (job.status === 'failed') {
        throw brokerRefusal(job) ?? new Error(`contract refresh failed: ${job.error ?? ''}`);
      }
      return ResolutionReport.parse(job.result);
    },
  );

  /** Historical bars for a universe and window as job `ib.backfill` (202 { job }). */
  app.post(
    '/api/ib/backfill',
    { schema: { body: BackfillRequest, response: { 202: StartedJob } } },
    async (request, reply) => {
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
    },
  );

  app.get('/api/ib/quotes', { schema: { response: { 200: QuotesResponse } } }, async (_request, reply) => {
    if (!deps.ib) return unavailable(reply);
    return { source: 'ib' as const, quotes: deps.ib.quotes.snapshot() };
  });

  /** Which symbols stream level-1 quotes: a project's or theme's universe, or a list (within the line budget). */
  app.put(
    '/api/ib/quotes/universe',
    { schema: { body: UniverseQuery, response: { 200: QuoteUniverseResponse } } },
    async (request, reply) => {
      if (!deps.ib) return unavailable(reply);
      const symbols = await universeSymbols(deps.ctx, request.body);
      const result = deps.ib.quotes.setUniverse(symbols);
      return { source: 'ib' as const, ...result };
    },
  );

  app.get(
    '/api/ib/bars/audit',
    { schema: { querystring: BarAuditQuery, response: { 200: BarAuditResponse } } },
    async (request, reply) => {
      if (!deps.ib) return unavailable(reply);
      const { barSize, from, to, ...selector } = request.query;
      const symbols = await universeSymbols(deps.ctx, selector);
      const size = barSize === '1d' ? '1 day' : '1 min';
      const now = deps.ctx.clock.nowMs();
      const runtime = deps.ib;
      return {
        source: 'ib' as const,
        audits: symbols.map((s) => auditBars(runtime.bars, s, size, from, to, now)),
      };
    },
  );
}
