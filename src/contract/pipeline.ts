/**
 * The weekly pipeline: runs as timelines of steps, Run now, schedules with their next fire times.
 * Pure zod, shared with the web app.
 */
import { z } from 'zod';

export const PipelineStepName = z.enum([
  'checklist',
  'decide',
  'plan',
  'risk',
  'submit',
  'monitor',
  'report',
]);
export type PipelineStepName = z.infer<typeof PipelineStepName>;
export const PipelineStepStatus = z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED']);
export const PipelineRunStatus = z.enum([
  'WAITING',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'STOOD_STILL',
  'MISSED',
]);
export type PipelineRunStatus = z.infer<typeof PipelineRunStatus>;
export const PipelineTrigger = z.enum(['schedule', 'catch-up', 'manual', 'cli']);

const evidence = z.record(z.string(), z.unknown());

export const PipelineStepView = z.object({
  name: PipelineStepName,
  seq: z.number().int(),
  status: PipelineStepStatus,
  attempts: z.number().int(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  evidence: evidence.nullable(),
  error: z.string().nullable(),
});
export type PipelineStepView = z.infer<typeof PipelineStepView>;

export const PipelineRunView = z.object({
  id: z.number().int(),
  runKey: z.string(),
  projectId: z.number().int(),
  tradingDate: z.string(),
  dryRun: z.boolean(),
  trigger: PipelineTrigger,
  status: PipelineRunStatus,
  /** When the run trades at the earliest (a run started while the market is closed waits for this). */
  notBefore: z.string(),
  windowEnd: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  tradeRunId: z.number().int().nullable(),
  fallback: z.string().nullable(),
  error: z.string().nullable(),
  report: evidence.nullable(),
  steps: z.array(PipelineStepView),
});
export type PipelineRunView = z.infer<typeof PipelineRunView>;

const positiveId = z.coerce
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .positive('must be a positive integer');

export const PipelineRunsQuery = z
  .object({
    project: positiveId.optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(200).default(50),
  })
  .strict();
export const PipelineIdParams = z.object({ id: positiveId }).strict();
export const PipelineProjectParams = z.object({ projectId: positiveId }).strict();

export const PipelineRunsResponse = z.object({ runs: z.array(PipelineRunView) });
export const PipelineRunResponse = z.object({ run: PipelineRunView });

/** Run now (立即执行). Live mode: `confirmLive` is the traded account id typed again. */
export const RunNowRequest = z
  .object({
    projectId: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .positive('must be a positive integer'),
    /** Omitted: today while the window is open, else the next trading day. */
    tradingDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
      .optional(),
    dryRun: z.boolean({ error: 'must be true or false' }).default(false),
    confirmLive: z.string().trim().max(40).optional(),
  })
  .strict();
export type RunNowRequest = z.input<typeof RunNowRequest>;

export const RunNowResponse = z.object({
  run: PipelineRunView,
  joined: z.boolean(),
  /** The market is closed now: the run waits and trades at `tradesAt`. */
  marketClosed: z.boolean(),
  tradesAt: z.string(),
});
export type RunNowResponse = z.infer<typeof RunNowResponse>;

export const RunWindowView = z.object({
  tradingDate: z.string(),
  fireAt: z.string(),
  windowEnd: z.string(),
  earlyClose: z.boolean(),
});
export type RunWindowView = z.infer<typeof RunWindowView>;

export const ScheduleResponse = z.object({
  projectId: z.number().int(),
  paused: z.boolean(),
  reason: z.string(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
  next: z.array(RunWindowView),
});
export type ScheduleResponse = z.infer<typeof ScheduleResponse>;

export const SchedulePauseRequest = z
  .object({
    paused: z.boolean({ error: 'must be true or false' }),
    reason: z.string({ error: 'must be text' }).trim().min(3, 'say why (at least 3 characters)').max(500),
  })
  .strict();
