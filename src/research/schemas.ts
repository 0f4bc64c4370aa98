import { z } from 'zod';
import { COMMISSION_PRESET_NAMES } from '../backtest/index.js';
import { parseDay } from '../sources/alpha/index.js';

/** Upper bounds of one import request: decoded text over all files, and files per request. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
export const MAX_IMPORT_FILES = 1000;

const fileNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'at most 200 characters')
  .regex(/^[^/\\]+$/, 'must be a file name, not a path');

export const importFileSchema = z
  .object({
    name: fileNameSchema,
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
export type ImportFileInput = z.infer<typeof importFileSchema>;

export const importRequestSchema = z
  .object({
    files: z
      .array(importFileSchema)
      .min(1, 'give at least one file')
      .max(MAX_IMPORT_FILES, `at most ${MAX_IMPORT_FILES} files`),
  })
  .strict();
export type ImportRequest = z.infer<typeof importRequestSchema>;

const symbolListSchema = z
  .array(
    z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9][A-Z0-9.\-^]{0,19}$/, 'must be a ticker symbol'),
  )
  .min(1, 'give at least one symbol')
  .max(1000, 'at most 1000 symbols');

export const fetchRequestSchema = z
  .object({
    symbols: symbolListSchema,
    outputSize: z.enum(['compact', 'full']).default('full'),
    dataType: z.enum(['csv', 'json']).default('csv'),
    requestsPerMinute: z.number().int().min(1).max(10_000).default(5),
    requestsPerDay: z.number().int().min(1).max(1_000_000).default(25),
  })
  .strict();
export type FetchRequest = z.infer<typeof fetchRequestSchema>;
export type FetchRequestInput = z.input<typeof fetchRequestSchema>;

/** Walk-forward schedule of training, in weeks. */
export const trainingConfigSchema = z
  .object({
    retrainEvery: z.number().int().min(1).max(10_000).default(52),
    trainWindow: z.number().int().min(0).max(100_000).default(156),
    minTrainPeriods: z.number().int().min(1).max(100_000).default(52),
    /** Family parameters (e.g. `{ lambda: 10 }` for ridge); defaults per family. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;

export const trainRequestSchema = z
  .object({ training: trainingConfigSchema.default(trainingConfigSchema.parse({})) })
  .strict();
export type TrainRequestBody = z.input<typeof trainRequestSchema>;

const dayTextSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine((text) => parseDay(text) !== undefined, 'not a calendar day');

export const backtestRequestSchema = z
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
    /** Commission schedule, as `ibloop backtest --commission`. */
    commission: z
      .enum(COMMISSION_PRESET_NAMES, { error: `must be one of ${COMMISSION_PRESET_NAMES.join(', ')}` })
      .default('ib-fixed'),
    /** First day of the backtest; earlier data still feeds the features (as `--start`). */
    start: dayTextSchema.optional(),
    /** Last day of the backtest (as `--end`). */
    end: dayTextSchema.optional(),
    /** A symbol of the research store (e.g. SPY) as a second, buy-and-hold benchmark (as `--benchmark`). */
    benchmark: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9][A-Z0-9.\-^]{0,19}$/, 'must be a ticker symbol')
      .optional(),
    /** Used when the project has no model yet and one is trained first. */
    training: trainingConfigSchema.default(trainingConfigSchema.parse({})),
  })
  .strict()
  .refine((body) => !(body.start && body.end && body.start > body.end), {
    message: 'must not be before start',
    path: ['end'],
  });
export type BacktestRequestBody = z.input<typeof backtestRequestSchema>;

export const EXPORT_KINDS = ['equity', 'trades', 'holdings', 'rebalances', 'summary'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
