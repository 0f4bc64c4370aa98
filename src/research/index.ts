export {
  type BacktestReport,
  backtestReport,
  type MonthlyRow,
  monthlyMatrix,
  normalisedEquity,
  type SectorExposureSeries,
} from './report-view.js';
export {
  type BacktestRequestBody,
  backtestRequestSchema,
  EXPORT_KINDS,
  type ExportKind,
  type FetchRequestInput,
  fetchRequestSchema,
  type ImportFileInput,
  type ImportRequest,
  importRequestSchema,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_FILES,
  type TrainingConfig,
  type TrainRequestBody,
  trainingConfigSchema,
  trainRequestSchema,
} from './schemas.js';
export {
  type BacktestSummary,
  type ImportOutcome,
  type LineError,
  type ModelSummary,
  ResearchService,
  type ResearchServiceDeps,
  type SymbolCoverageView,
} from './service.js';
export { SweepService, type SweepServiceDeps } from './sweeps.js';
