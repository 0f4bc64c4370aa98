/**
 * Research (`/api/data/*`, models, backtests) and jobs (`/api/jobs/*`): responses. Pure zod, shared
 * with the web app (types only). Fractions are fractions (0.12 = 12%).
 */
import { z } from 'zod';
import { isCalendarDay } from './days.js';
import { messageSchema as catalogued, type Message, msg } from './messages.js';

const message = catalogued as unknown as z.ZodType<Message>;

/**
 * A job's parameters and result: JSON whose shape depends on the job's kind (e.g. an `ib.backfill`
 * job's result is a BackfillReport, src/contract/ib.ts), so the job itself cannot say more.
 */
const ByKind = z.unknown();
/** A JSON object stored as it was written (a backtest's configuration, whose fields grew over versions). */
const JsonRecord = z.record(z.string(), z.unknown());

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;
/** Kinds the server runs today; `kind` stays a string so that a newer server's kind still renders. */
export type JobKind = 'data.import' | 'data.fetch' | 'train' | 'backtest' | 'demo.seed' | (string & {});

export const Job = z.object({
  id: z.number(),
  kind: z.string(),
  scope: z.string(),
  status: JobStatus,
  /** 0..1 */
  progress: z.number(),
  /** English; `text` is the same as a catalogued message (null for language-neutral notes). */
  message: z.string(),
  text: message.nullable(),
  params: ByKind,
  resultRef: z.string().nullable(),
  result: ByKind,
  error: z.string().nullable(),
  actor: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type Job = z.infer<typeof Job>;

/** Body of the `job.progress` server-sent event. */
export const JobProgressEvent = z.object({
  id: z.number(),
  kind: z.string(),
  status: JobStatus,
  progress: z.number(),
  message: z.string(),
  text: message.nullable(),
});
export type JobProgressEvent = z.infer<typeof JobProgressEvent>;

/** 202 of every route that starts a job. */
export const StartedJob = z.object({
  job: Job,
  /** True when the request joined a job of the same kind and scope that was already running. */
  joined: z.boolean(),
});
export type StartedJob = z.infer<typeof StartedJob>;

export const JobResponse = z.object({ job: Job });
export type JobResponse = z.infer<typeof JobResponse>;
export const JobsResponse = z.object({ jobs: z.array(Job) });
export type JobsResponse = z.infer<typeof JobsResponse>;

export const CoverageGap = z.object({ from: z.string(), to: z.string(), days: z.number() });
export type CoverageGap = z.infer<typeof CoverageGap>;

export const SymbolCoverage = z.object({
  symbol: z.string(),
  name: z.string(),
  sector: z.string(),
  rows: z.number(),
  first: z.string(),
  last: z.string(),
  missingDays: z.number(),
  gapsCount: z.number(),
  gaps: z.array(CoverageGap),
});
export type SymbolCoverage = z.infer<typeof SymbolCoverage>;

export const CoverageResponse = z.object({ symbols: z.array(SymbolCoverage), total: z.number() });
export type CoverageResponse = z.infer<typeof CoverageResponse>;

export const ImportLineError = z.object({
  /** 1-based (the header is line 1); 0 for the file as a whole. */
  line: z.number(),
  message: z.string(),
  /** The same as a catalogued message (IMPORT_LINE_INVALID) when the line's problem is a known one. */
  text: message.optional(),
});
export type ImportLineError = z.infer<typeof ImportLineError>;

/** Imported but worth knowing: short histories, sector-file names still without prices. */
export const ImportWarning = z.discriminatedUnion('code', [
  z.object({ code: z.literal('short-history'), symbol: z.string(), rows: z.number(), minimum: z.number() }),
  z.object({ code: z.literal('sector-without-prices'), symbol: z.string() }),
]);
export type ImportWarning = z.infer<typeof ImportWarning>;

export const ImportResponse = z.object({
  jobId: z.number(),
  imported: z.array(
    z.object({
      name: z.string(),
      symbol: z.string(),
      result: z.enum(['created', 'updated', 'unchanged']),
      rows: z.number(),
    }),
  ),
  failed: z.array(z.object({ name: z.string(), errors: z.array(ImportLineError) })),
  warnings: z.array(ImportWarning),
});
export type ImportResponse = z.infer<typeof ImportResponse>;

export const ModelSummary = z.object({
  id: z.number(),
  version: z.string(),
  /** 'rule' | 'ridge' | 'gbt' today. */
  family: z.string(),
  projectId: z.number().nullable(),
  projectVersion: z.number().nullable(),
  dataDigest: z.string(),
  metrics: z.object({
    ic: z.number().nullable(),
    rankIc: z.number().nullable(),
    hitRate: z.number().nullable(),
    periods: z.number(),
  }),
  symbols: z.number(),
  firstDecision: z.string(),
  lastDecision: z.string(),
  createdAt: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelsResponse = z.object({ models: z.array(ModelSummary) });
export type ModelsResponse = z.infer<typeof ModelsResponse>;

export const PerformanceStats = z.object({
  totalReturn: z.number(),
  cagr: z.number(),
  volatility: z.number(),
  sharpe: z.number(),
  sortino: z.number(),
  maxDrawdown: z.number(),
});
export type PerformanceStats = z.infer<typeof PerformanceStats>;

export const BacktestStats = PerformanceStats.extend({
  turnoverPerRebalance: z.number(),
  hitRate: z.number(),
  totalCommission: z.number(),
  rebalances: z.number().int(),
  /** Holdings sold because their symbol stopped trading (0 for results stored before exits existed). */
  exits: z.number().int(),
});
export type BacktestStats = z.infer<typeof BacktestStats>;

export const BacktestSummary = z.object({
  id: z.number(),
  projectId: z.number().nullable(),
  projectVersion: z.number().nullable(),
  modelVersion: z.string(),
  dataDigest: z.string(),
  resultHash: z.string(),
  start: z.string(),
  end: z.string(),
  config: JsonRecord,
  stats: BacktestStats,
  jobId: z.number().nullable(),
  createdAt: z.string(),
});
export type BacktestSummary = z.infer<typeof BacktestSummary>;

export const BacktestsResponse = z.object({ backtests: z.array(BacktestSummary) });
export type BacktestsResponse = z.infer<typeof BacktestsResponse>;

export const MonthlyRow = z.object({
  year: z.number(),
  /** January first; null where the backtest has no data. */
  months: z.array(z.number().nullable()),
  total: z.number(),
});
export type MonthlyRow = z.infer<typeof MonthlyRow>;

export const RebalanceTrade = z.object({
  symbol: z.string(),
  /** Real shares of the day: positive buys, negative sells. */
  quantity: z.number(),
  /** As traded that day (unadjusted), slippage included. */
  price: z.number(),
  commission: z.number(),
});
export type RebalanceTrade = z.infer<typeof RebalanceTrade>;

/** A holding sold at its last close because its symbol stopped trading. */
export const ExitTrade = RebalanceTrade.extend({ date: z.string() });
export type ExitTrade = z.infer<typeof ExitTrade>;

export const RebalanceHolding = z.object({ symbol: z.string(), shares: z.number(), weight: z.number() });
export type RebalanceHolding = z.infer<typeof RebalanceHolding>;

export const Rebalance = z.object({
  date: z.string(),
  decisionDate: z.string(),
  equity: z.number(),
  turnover: z.number(),
  commission: z.number(),
  trades: z.array(RebalanceTrade),
  holdings: z.array(RebalanceHolding),
  sectors: z.record(z.string(), z.number()),
});
export type Rebalance = z.infer<typeof Rebalance>;

export const BacktestReport = z.object({
  start: z.string(),
  end: z.string(),
  symbols: z.number(),
  config: JsonRecord,
  stats: BacktestStats,
  benchmark: PerformanceStats,
  curves: z.object({
    days: z.array(z.string()),
    equity: z.array(z.number()),
    benchmark: z.array(z.number()),
    drawdown: z.array(z.number()),
  }),
  monthly: z.object({ strategy: z.array(MonthlyRow), benchmark: z.array(MonthlyRow) }),
  sectorExposure: z.object({
    dates: z.array(z.string()),
    sectors: z.array(z.string()),
    weights: z.record(z.string(), z.array(z.number())),
    average: z.record(z.string(), z.number()),
  }),
  rebalances: z.array(Rebalance),
  exits: z.array(ExitTrade),
  /** Market index benchmark (buy and hold), when the run had one. */
  index: z.object({ symbol: z.string(), stats: PerformanceStats, equity: z.array(z.number()) }).nullable(),
});
export type BacktestReport = z.infer<typeof BacktestReport>;

export const BacktestDetail = z.object({ backtest: BacktestSummary, report: BacktestReport });
export type BacktestDetail = z.infer<typeof BacktestDetail>;

export const CompareEntry = z.object({
  backtest: BacktestSummary,
  stats: BacktestStats,
  benchmark: PerformanceStats,
  /** Equity divided by its first value. */
  curve: z.object({ days: z.array(z.string()), equity: z.array(z.number()) }),
});
export type CompareEntry = z.infer<typeof CompareEntry>;

export const CompareResponse = z.object({ backtests: z.array(CompareEntry) });
export type CompareResponse = z.infer<typeof CompareResponse>;

// -- requests

/** Upper bounds of one import request: decoded text over all files, and files per request. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_FILES = 1000;

const SYMBOL = /^[A-Z0-9][A-Z0-9.\-^]{0,19}$/;

const fileName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'at most 200 characters')
  .regex(/^[^/\\]+$/, 'must be a file name, not a path');

export const ImportFile = z
  .object({
    name: fileName,
    /** CSV text. */
    content: z.string().optional(),
    /** Base64 of the file as stored: gzip (detected by its magic bytes) or plain CSV. */
    contentBase64: z.string().optional(),
  })
  .strict()
  .refine((file) => (file.content === undefined) !== (file.contentBase64 === undefined), {
    message: 'give exactly one of content or contentBase64',
    path: ['content'],
  });
export type ImportFile = z.infer<typeof ImportFile>;

export const ImportRequest = z
  .object({
    files: z
      .array(ImportFile)
      .min(1, 'give at least one file')
      .max(MAX_IMPORT_FILES, `at most ${MAX_IMPORT_FILES} files`),
  })
  .strict();
export type ImportRequest = z.infer<typeof ImportRequest>;

const symbols = z
  .array(z.string().trim().toUpperCase().regex(SYMBOL, 'must be a ticker symbol'))
  .min(1, 'give at least one symbol')
  .max(1000, 'at most 1000 symbols');

export const FetchRequest = z
  .object({
    symbols,
    outputSize: z.enum(['compact', 'full']).default('full'),
    dataType: z.enum(['csv', 'json']).default('csv'),
    requestsPerMinute: z.number().int().min(1).max(10_000).default(5),
    requestsPerDay: z.number().int().min(1).max(1_000_000).default(25),
  })
  .strict();
/** What a client sends (defaults filled by the server). */
export type FetchRequest = z.input<typeof FetchRequest>;

/** Walk-forward schedule of training, in weeks. */
export const TrainingConfig = z
  .object({
    retrainEvery: z.number().int().min(1).max(10_000).default(52),
    trainWindow: z.number().int().min(0).max(100_000).default(156),
    minTrainPeriods: z.number().int().min(1).max(100_000).default(52),
    /** Family parameters (e.g. `{ lambda: 10 }` for ridge); each family reads its own. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const TrainRequest = z.object({ training: TrainingConfig.default(TrainingConfig.parse({})) }).strict();
export type TrainRequest = z.input<typeof TrainRequest>;

/** Commission schedules of a backtest, as `ibloop backtest --commission` (src/backtest/costs.ts). */
export const COMMISSION_PRESET_NAMES = ['ib-fixed', 'ib-tiered', 'zero'] as const;
export type CommissionPreset = (typeof COMMISSION_PRESET_NAMES)[number];

const dayText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine(isCalendarDay, 'not a calendar day');

export const BacktestRequest = z
  .object({
    /** A saved model (full version or prefix); default: the project's latest model for its current version. */
    modelVersion: z
      .string()
      .regex(/^[0-9a-f]{6,64}$/, 'must be a model version (hex)')
      .optional(),
    initialCash: z.number().positive().max(1e12).default(1_000_000),
    tradeAt: z.enum(['open', 'close']).default('open'),
    slippageBps: z.number().min(0).max(1000).default(5),
    lotSize: z.number().int().min(1).max(1_000_000).default(1),
    commission: z
      .enum(COMMISSION_PRESET_NAMES, { error: `must be one of ${COMMISSION_PRESET_NAMES.join(', ')}` })
      .default('ib-fixed'),
    /** First day of the backtest; earlier data still feeds the features (as `--start`). */
    start: dayText.optional(),
    /** Last day of the backtest (as `--end`). */
    end: dayText.optional(),
    /** A symbol of the research store (e.g. SPY) as a second, buy-and-hold benchmark (as `--benchmark`). */
    benchmark: z.string().trim().toUpperCase().regex(SYMBOL, 'must be a ticker symbol').optional(),
    /** Used when the project has no model yet and one is trained first. */
    training: TrainingConfig.default(TrainingConfig.parse({})),
  })
  .strict()
  .refine((body) => !(body.start && body.end && body.start > body.end), {
    message: 'must not be before start',
    path: ['end'],
    params: { text: msg('FIELD_END_BEFORE_START', {}) },
  });
/** What a client sends (defaults filled by the server). */
export type BacktestRequest = z.input<typeof BacktestRequest>;

export const EXPORT_KINDS = ['equity', 'trades', 'holdings', 'rebalances', 'summary'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
