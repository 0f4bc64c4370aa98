/**
 * Type-level pins, checked by `tsc -p web/tsconfig.json` and never imported (so never bundled): the web
 * app's API types are the contract's (src/contract) and precise. A field renamed in the contract fails
 * the web type check here and in every page that reads it; a field renamed only in a route's handler
 * fails the server's type check (the zod type provider binds each handler to its response schema) and,
 * at run time, the test suite's response hook (test/helpers/contract-check.ts).
 */
import type { z } from 'zod';
import type * as execution from '../../../src/contract/execution';
import type * as ib from '../../../src/contract/ib';
import type * as research from '../../../src/contract/research';
import type {
  BackfillReport,
  BacktestDetail,
  IbStatus,
  Job,
  LeaseResponse,
  RunDetail,
  StartedJob,
  TradeRun,
} from './index';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Pin<T extends true> = T;

/** The web's names are the contract's inferred types, not restatements. */
export type Pins = [
  Pin<Same<TradeRun, z.infer<typeof execution.TradeRun>>>,
  Pin<Same<RunDetail, z.infer<typeof execution.RunDetail>>>,
  Pin<Same<LeaseResponse, z.infer<typeof execution.LeaseResponse>>>,
  Pin<Same<IbStatus, z.infer<typeof ib.IbStatus>>>,
  Pin<Same<BackfillReport, z.infer<typeof ib.BackfillReport>>>,
  Pin<Same<Job, z.infer<typeof research.Job>>>,
  Pin<Same<StartedJob, z.infer<typeof research.StartedJob>>>,
  Pin<Same<BacktestDetail, z.infer<typeof research.BacktestDetail>>>,
];

/** Fields the pages read, by the names the server sends; a misspelt one is an error, not `any`. */
export function readsContractFields(run: TradeRun, status: IbStatus, detail: BacktestDetail): string[] {
  // @ts-expect-error the run's day is `tradingDate`: any other name fails the type check
  const renamed: string = run.tradeDate;
  return [run.tradingDate, run.status, status.status, String(detail.report.stats.sharpe), renamed];
}
