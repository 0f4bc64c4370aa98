import { type ModelRecord, scoresFromRecord } from '../alpha/index.js';
import type { IbPanel } from '../decide/index.js';
import type { ProjectParams } from '../projects/index.js';
import { createWeightLimits } from '../risk/index.js';
import type { BacktestConfigInput, RebalanceDecision } from './engine.js';
import { prepareResearchPanel, researchInput } from './prepare.js';
import { runBacktest } from './run-backtest.js';

export interface ReplayRequest {
  /** The IB daily bars live decisions were made on (`buildIbPanel`), through the last trade day. */
  panel: IbPanel;
  /** Sector per symbol, as the live decisions had them. */
  sectors: Readonly<Record<string, string>>;
  record: ModelRecord;
  /** The project parameters the live decisions recorded. */
  params: Pick<ProjectParams, 'portfolio' | 'risk' | 'schedule' | 'model'>;
  /** First decision close and last day of the replay (YYYY-MM-DD). */
  start: string;
  end: string;
  /** The rest of the backtest's settings (cash, costs); they size trades, never the weights. */
  config?: Omit<BacktestConfigInput, 'construction' | 'start' | 'end'>;
}

/** A rebalance of the replay: the weights after the risk stage, non-zero only, by symbol. */
export interface ReplayedDecision {
  decisionDate: string;
  tradeDate: string;
  scores: Record<string, number>;
  weights: Record<string, number>;
}

/**
 * Parity (issue #12): the research backtest run, as a research job runs it (prepare -> walk-forward
 * scores of the model record -> `runBacktest` with the project's risk stage and construction), but
 * on IB bars, returning each rebalance's decision. Live weights equal to these prove the backtest
 * and live trading decide alike. Nothing here is stored: research results come from Alpha data only.
 */
export function replayDecisions(request: ReplayRequest): ReplayedDecision[] {
  const { panel, params } = request;
  if (panel.source !== 'ib') throw new Error('panel: the replay runs on IB daily bars only');
  const research = prepareResearchPanel(
    panel,
    Object.fromEntries(Object.entries(request.sectors).map(([symbol, sector]) => [symbol, { sector }])),
    { weekday: params.schedule.weekday, expressions: params.model.expressions },
  );
  const decisions: ReplayedDecision[] = [];
  const record = (values: Float64Array, keep: (value: number) => boolean): Record<string, number> => {
    const out: Record<string, number> = {};
    panel.symbols.forEach((symbol, s) => {
      if (keep(values[s]!)) out[symbol] = values[s]!;
    });
    return out;
  };
  const collect = (decision: RebalanceDecision): void => {
    decisions.push({
      decisionDate: decision.decisionDate,
      tradeDate: decision.tradeDate,
      scores: record(decision.scores, (value) => !Number.isNaN(value)),
      weights: record(decision.weights, (value) => value !== 0),
    });
  };
  runBacktest(
    {
      ...researchInput(research, scoresFromRecord(request.record, research.dataset)),
      risk: createWeightLimits(params.risk),
      onDecision: collect,
      replayIb: true,
    },
    { ...request.config, construction: params.portfolio, start: request.start, end: request.end },
  );
  return decisions;
}
