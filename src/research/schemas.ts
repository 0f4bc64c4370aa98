/**
 * The research routes' request schemas live in the API contract (src/contract/research.ts, shared
 * with the web app); the research module keeps its names for them.
 */
import type { z } from 'zod';
import type { CommissionPreset } from '../backtest/index.js';
import {
  BacktestRequest,
  type COMMISSION_PRESET_NAMES,
  EXPORT_KINDS,
  FetchRequest as FetchRequestSchema,
  ImportFile,
  ImportRequest as ImportRequestSchema,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_FILES,
  TrainingConfig as TrainingConfigSchema,
  TrainRequest,
} from '../contract/research.js';

export { EXPORT_KINDS, MAX_IMPORT_BYTES, MAX_IMPORT_FILES };
export const importFileSchema = ImportFile;
export type ImportFileInput = z.infer<typeof importFileSchema>;
export const importRequestSchema = ImportRequestSchema;
export type ImportRequest = z.infer<typeof importRequestSchema>;
export const fetchRequestSchema = FetchRequestSchema;
export type FetchRequest = z.infer<typeof fetchRequestSchema>;
export type FetchRequestInput = z.input<typeof fetchRequestSchema>;
export const trainingConfigSchema = TrainingConfigSchema;
export type TrainingConfig = z.infer<typeof trainingConfigSchema>;
export const trainRequestSchema = TrainRequest;
export type TrainRequestBody = z.input<typeof trainRequestSchema>;
export const backtestRequestSchema = BacktestRequest;
export type BacktestRequestBody = z.input<typeof backtestRequestSchema>;
export type ExportKind = (typeof EXPORT_KINDS)[number];

// The contract names the backtest's commission presets; the compiler keeps the two lists the same.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const presetsAgree: Same<CommissionPreset, (typeof COMMISSION_PRESET_NAMES)[number]> = true;
void presetsAgree;
