/**
 * The weekly pipeline: runs as timelines of steps, Run now, schedules with their next fire times.
 * Pure zod, shared with the web app.
 */
import { z } from 'zod';
import { RUN_MISSED_REASONS } from './alert-texts.js';
import { type Message, messageSchema } from './messages.js';

/** The catalogue's schema checks the parameters; its type is the precise union of messages. */
const message = messageSchema as unknown as z.ZodType<Message>;

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
  /** The StepError code of a failed step (a catalogued error's message code, else STEP_FAILED). */
  errorCode: z.string().nullable(),
  /** The failure as a catalogued message (rendered in the UI language). */
  errorText: message.nullable(),
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
  /** In English (logs, API users). */
  error: z.string().nullable(),
  /** A MISSED run: why, as a code the UI renders in its language (null: not missed, or not known). */
  missedReason: z.enum(RUN_MISSED_REASONS).nullable(),
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

/** The steps with a time-out of their own (the monitor step ends with the run's window). */
export const TimedPipelineStep = z.enum(['checklist', 'decide', 'plan', 'risk', 'submit', 'report']);
export type TimedPipelineStep = z.infer<typeof TimedPipelineStep>;

/** A project's pipeline settings as the UI reads them (`params.pipeline`; src/projects/params.ts validates). */
export const PipelineSettings = z.object({
  retries: z.number(),
  backoffMs: z.number(),
  stepTimeoutMs: z.number(),
  stepTimeoutsMs: z.partialRecord(TimedPipelineStep, z.number()).optional(),
  windowCloseMinutesBeforeClose: z.number(),
  leftover: z.enum(['cancel', 'reprice', 'leave']),
  fallback: z.enum(['last-good', 'stand-still']),
  maxRejectedShare: z.number(),
});
export type PipelineSettings = z.infer<typeof PipelineSettings>;

/** One symbol of a run's post-trade report (src/pipeline/report.ts writes it). */
export const PostTradeSymbolView = z.object({
  symbol: z.string(),
  targetShares: z.number(),
  filledShares: z.number(),
  leftoverShares: z.number(),
  targetWeight: z.number(),
  filledWeight: z.number(),
  avgFillPrice: z.number().nullable(),
  arrivalPrice: z.number().nullable(),
  decisionPrice: z.number().nullable(),
  slippageVsArrivalBps: z.number().nullable(),
  slippageVsDecisionBps: z.number().nullable(),
  commission: z.number(),
});
export type PostTradeSymbolView = z.infer<typeof PostTradeSymbolView>;
