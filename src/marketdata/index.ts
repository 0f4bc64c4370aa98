/**
 * IB market data for trading: the contract cache, level-1 quotes (service + stream files), the IB bar
 * store, the historical backfill and its completeness audit, and the runtime the server runs.
 * Everything here is IB data (`source: 'ib'`); research data lives in `sources/alpha` and must not be
 * imported here (enforced by test/marketdata/policy.test.ts).
 */
export { auditBars, type BarAudit } from './audit.js';
export {
  type BackfillChunk,
  type BackfillResult,
  planChunks,
  runBackfill,
  runTailBackfill,
  type TailBackfillResult,
} from './backfill.js';
export { decodeIbBars, encodeIbBars, IbBarStore } from './bar-store.js';
export {
  concatIbBars,
  type IbBarSize,
  type IbBars,
  type IbQuote,
  ibBarsFromColumns,
  ibBarsFromRows,
} from './bars.js';
export { connectForJob, JOB_CLIENT_ID_OFFSET, type JobConnectionOptions } from './connect.js';
export {
  ContractCache,
  chooseContract,
  PRIMARY_EXCHANGE_PREFERENCE,
  type ResolutionReport,
} from './contract-cache.js';
export {
  BACKFILL_DEFAULTS,
  type BackfillBarSize,
  type BackfillJobRequest,
  type BackfillReport,
  type BackfillRunOptions,
  type BackfillWindow,
  backfillProgressMessage,
  backfillWindow,
  type ContractsJobRequest,
  IbJobStopped,
  IbJobs,
  type IbJobsDeps,
  ibBarSizeOf,
  selectorScope,
} from './jobs.js';
export { IB_HISTORICAL_PACING, type PacingRules, RequestPacer } from './pacing.js';
export { QuoteStreamWriter } from './quote-stream.js';
export { QuoteService, type QuoteSnapshotEntry } from './quotes.js';
export { createIbRuntime, type IbRuntime, type IbRuntimeSettings, type IbStatus } from './runtime.js';
export { universeSymbols } from './universe.js';
