import { z } from 'zod';
import { SweepWorkerPool } from '../../backtest/sweep-pool.js';
import {
  BacktestDetail,
  BacktestsResponse,
  CompareResponse,
  CoverageResponse,
  ImportResponse,
  JobResponse,
  JobsResponse,
  ModelsResponse,
  StartedJob,
} from '../../contract/research.js';
import {
  SweepRequest,
  SweepRerunRequest,
  SweepRerunResponse,
  SweepResponse,
} from '../../contract/research-sweeps.js';
import { CsvText } from '../../contract/text.js';
import { JOB_STATUSES } from '../../jobs/index.js';
import {
  backtestRequestSchema,
  EXPORT_KINDS,
  fetchRequestSchema,
  importRequestSchema,
  MAX_IMPORT_BYTES,
  SweepService,
  trainRequestSchema,
} from '../../research/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const positiveId = z.coerce.number().int().positive('must be a positive integer');
const IdParams = z.object({ id: positiveId }).strict();
const ProjectFilter = z.object({ project: positiveId.optional() }).strict();
const JobFilter = z
  .object({
    kind: z.string().trim().min(1).max(50).optional(),
    status: z.enum(JOB_STATUSES, { error: `must be one of ${JOB_STATUSES.join(', ')}` }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
const ExportQuery = z
  .object({ kind: z.enum(EXPORT_KINDS, { error: `must be one of ${EXPORT_KINDS.join(', ')}` }) })
  .strict();
const CompareQuery = z
  .object({
    ids: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'must be comma-separated backtest ids, e.g. 1,2')
      .transform((text) => [...new Set(text.split(',').map(Number))])
      .refine((ids) => ids.length >= 1 && ids.length <= 10, 'give 1 to 10 ids')
      .refine((ids) => ids.every((id) => id > 0), 'ids must be positive'),
  })
  .strict();

// Base64 makes uploads about 4/3 larger than their text, and JSON adds a little.
const IMPORT_BODY_LIMIT = Math.ceil(MAX_IMPORT_BYTES * 1.4);

/** Research data, models, backtests and jobs (see docs/api.md, "Research"). */
export function registerResearchRoutes(app: Api, deps: ServerDeps): void {
  const research = deps.ctx.research;
  const jobs = deps.ctx.jobs;
  // The server's sweep workers: loaded once, then kept between sweeps; stopped when the server closes.
  const sweepPool = new SweepWorkerPool();
  const sweeps = new SweepService({ jobs, research, pool: sweepPool });
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';

  const unsubscribe = jobs.onProgress((event) => deps.hub.publish('job.progress', event));
  app.addHook('onClose', async () => {
    unsubscribe();
    await sweepPool.close();
  });

  // -- data
  app.get('/api/data/coverage', { schema: { response: { 200: CoverageResponse } } }, async () => {
    const symbols = await research.coverage();
    return { symbols, total: symbols.length };
  });

  app.post(
    '/api/data/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: { body: importRequestSchema, response: { 200: ImportResponse } },
    },
    async (request) => {
      const { jobId, outcome } = await research.importFiles(request.body, actor(request.session));
      return { jobId, ...outcome };
    },
  );

  app.post(
    '/api/data/fetch',
    { schema: { body: fetchRequestSchema, response: { 202: StartedJob } } },
    async (request, reply) => {
      const started = await research.fetch(request.body, actor(request.session));
      return reply.code(202).send(started);
    },
  );

  // -- models
  app.post(
    '/api/projects/:id/train',
    { schema: { params: IdParams, body: trainRequestSchema.optional(), response: { 202: StartedJob } } },
    async (request, reply) => {
      const started = await research.train(request.params.id, request.body ?? {}, actor(request.session));
      return reply.code(202).send(started);
    },
  );

  app.get(
    '/api/models',
    { schema: { querystring: ProjectFilter, response: { 200: ModelsResponse } } },
    async (request) => ({
      models: await research.models(
        request.query.project === undefined ? {} : { projectId: request.query.project },
      ),
    }),
  );

  // -- backtests
  app.post(
    '/api/projects/:id/backtests',
    { schema: { params: IdParams, body: backtestRequestSchema.optional(), response: { 202: StartedJob } } },
    async (request, reply) => {
      const started = await research.backtest(request.params.id, request.body ?? {}, actor(request.session));
      return reply.code(202).send(started);
    },
  );

  app.get(
    '/api/backtests',
    { schema: { querystring: ProjectFilter, response: { 200: BacktestsResponse } } },
    async (request) => ({
      backtests: await research.backtests(
        request.query.project === undefined ? {} : { projectId: request.query.project },
      ),
    }),
  );

  // Registered before /:id so that "compare" is not read as an id.
  app.get(
    '/api/backtests/compare',
    { schema: { querystring: CompareQuery, response: { 200: CompareResponse } } },
    async (request) => research.compare(request.query.ids),
  );

  app.get(
    '/api/backtests/:id',
    { schema: { params: IdParams, response: { 200: BacktestDetail } } },
    async (request) => research.backtestReport(request.params.id),
  );

  app.get(
    '/api/backtests/:id/export',
    { schema: { params: IdParams, querystring: ExportQuery, response: { 200: CsvText } } },
    async (request, reply) => {
      const csv = await research.exportCsv(request.params.id, request.query.kind);
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="backtest-${request.params.id}-${request.query.kind}.csv"`,
        )
        .send(csv);
    },
  );

  // -- sweeps: a parameter grid backtested as one job; each point can be rerun from its hash
  app.post(
    '/api/projects/:id/sweeps',
    { schema: { params: IdParams, body: SweepRequest.optional(), response: { 202: StartedJob } } },
    async (request, reply) => {
      const started = await sweeps.start(request.params.id, request.body ?? {}, actor(request.session));
      return reply.code(202).send(started);
    },
  );

  app.get(
    '/api/sweeps/:id',
    { schema: { params: IdParams, response: { 200: SweepResponse } } },
    async (request) => sweeps.get(request.params.id),
  );

  app.post(
    '/api/sweeps/:id/rerun',
    { schema: { params: IdParams, body: SweepRerunRequest, response: { 200: SweepRerunResponse } } },
    async (request) => sweeps.rerun(request.params.id, request.body.pointHash),
  );

  // -- jobs
  app.get(
    '/api/jobs',
    { schema: { querystring: JobFilter, response: { 200: JobsResponse } } },
    async (request) => ({
      jobs: await jobs.list({
        limit: request.query.limit,
        ...(request.query.kind ? { kind: request.query.kind } : {}),
        ...(request.query.status ? { status: request.query.status } : {}),
      }),
    }),
  );

  app.get(
    '/api/jobs/:id',
    { schema: { params: IdParams, response: { 200: JobResponse } } },
    async (request) => ({
      job: await jobs.get(request.params.id),
    }),
  );

  // Cancels a queued or running job (any kind); 409 once it has finished, 404 for an unknown id.
  app.post(
    '/api/jobs/:id/cancel',
    { schema: { params: IdParams, response: { 200: JobResponse } } },
    async (request) => ({
      job: await jobs.cancel(request.params.id, actor(request.session)),
    }),
  );
}
