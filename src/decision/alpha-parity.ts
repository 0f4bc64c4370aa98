import { buildPanel, type ModelRecord } from '../alpha/index.js';
import type { AlphaParityResult, AlphaParitySymbol, Snapshot } from '../contract/decisions.js';
import { asAlphaPanel, decide } from '../decide/index.js';
import type { IbBars } from '../marketdata/index.js';
import type { ProjectParams } from '../projects/index.js';
import { createWeightLimits } from '../risk/index.js';
import { type AlphaBars, formatDay, parseDay } from '../sources/alpha/index.js';

const MS_PER_DAY = 86_400_000;

export interface AlphaParityInput {
  runId: number;
  /** A verified model snapshot. */
  snapshot: Snapshot;
  record: ModelRecord;
  /** Research bars of the snapshot's symbols that the Alpha store holds. */
  alphaBars: readonly AlphaBars[];
  alphaDataDigest: string;
  /** IB daily bars through the decision close, per symbol, for the price comparison. */
  ibBars: ReadonlyMap<string, IbBars>;
}

/**
 * Symbols the live decision read that have no Alpha bar on its decision close: the research side
 * cannot decide on them, so the caller refuses (naming them) instead of comparing half a universe.
 */
export function symbolsWithoutAlphaClose(snapshot: Snapshot, alphaBars: readonly AlphaBars[]): string[] {
  const day = parseDay(snapshot.content.asOf)!;
  const held = new Map(alphaBars.map((bars) => [bars.symbol, bars]));
  return snapshot.content.inputs
    .map((input) => input.symbol)
    .filter((symbol) => {
      const bars = held.get(symbol);
      return !bars || indexOfDay(bars.days, day) < 0;
    });
}

/**
 * The research backtest's decision for the snapshot's date, beside the live one. The research side
 * runs `decide` (the stages every backtest rebalance runs) on an Alpha panel of the same symbols,
 * with the snapshot's model, parameters and previous weights, so a gap comes from the data alone;
 * the per-symbol close differences between IB and Alpha are what explain it.
 */
export function compareWithAlpha(input: AlphaParityInput): AlphaParityResult {
  const { snapshot } = input;
  const content = snapshot.content;
  const params = content.params as unknown as ProjectParams;
  const panel = asAlphaPanel(buildPanel(input.alphaBars));
  const decision = decide({
    panel,
    decisionDate: content.asOf,
    model: input.record,
    sectors: panel.symbols.map((symbol) => content.sectors[symbol]),
    previousWeights: Float64Array.from(panel.symbols, (symbol) => content.previousWeights[symbol] ?? 0),
    construction: params.portfolio,
    risk: createWeightLimits(params.risk),
    limits: params.risk,
  });
  const alphaScore = new Map<string, number>();
  const alphaWeight = new Map<string, number>();
  decision.symbols.forEach((symbol, s) => {
    if (!Number.isNaN(decision.scores[s]!)) alphaScore.set(symbol, decision.scores[s]!);
    if (decision.after[s] !== 0) alphaWeight.set(symbol, decision.after[s]!);
  });
  const alphaOf = new Map(input.alphaBars.map((bars) => [bars.symbol, bars]));
  const firstOf = new Map(content.inputs.map((digest) => [digest.symbol, digest.first]));
  const universe = [
    ...new Set([
      ...content.inputs.map((d) => d.symbol),
      ...content.dropped.map((d) => d.symbol),
      ...decision.symbols,
    ]),
  ];
  const asOfDay = parseDay(content.asOf)!;
  const symbols: AlphaParitySymbol[] = universe.map((symbol) => {
    const liveWeight = content.weightsAfter[symbol] ?? 0;
    const researchWeight = alphaWeight.get(symbol) ?? 0;
    const from = firstOf.get(symbol);
    return {
      symbol,
      sector: content.sectors[symbol] ?? null,
      liveScore: content.scores[symbol] ?? null,
      alphaScore: alphaScore.get(symbol) ?? null,
      liveWeight,
      alphaWeight: researchWeight,
      weightGap: researchWeight - liveWeight,
      ...closeComparison(
        input.ibBars.get(symbol),
        alphaOf.get(symbol),
        from ? parseDay(from)! : asOfDay,
        asOfDay,
      ),
    };
  });
  symbols.sort(
    (a, b) =>
      Math.abs(b.weightGap) - Math.abs(a.weightGap) ||
      (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
  const liveKeys = Object.keys(content.weightsAfter).sort();
  const weightsEqual =
    liveKeys.length === alphaWeight.size &&
    liveKeys.every((symbol) => Object.is(content.weightsAfter[symbol], alphaWeight.get(symbol)));
  return {
    against: 'alpha',
    runId: input.runId,
    snapshotId: snapshot.id,
    tradingDate: content.tradingDate,
    asOf: content.asOf,
    modelVersion: input.record.version,
    alphaDataDigest: input.alphaDataDigest,
    weightsEqual,
    turnoverGap: symbols.reduce((sum, row) => sum + Math.abs(row.weightGap), 0) / 2,
    symbols,
  };
}

type CloseFields = Pick<
  AlphaParitySymbol,
  | 'ibClose'
  | 'alphaClose'
  | 'alphaAdjustedClose'
  | 'closeDiff'
  | 'days'
  | 'daysDiffering'
  | 'daysMissing'
  | 'maxCloseDiff'
  | 'maxCloseDiffDay'
>;

/**
 * IB's close against Alpha's adjusted close, day by day over [from, to]: the prices each side's
 * features read (IB daily bars are split- but not dividend-adjusted, Alpha's adjusted close is both).
 */
function closeComparison(
  ib: IbBars | undefined,
  alpha: AlphaBars | undefined,
  from: number,
  to: number,
): CloseFields {
  const ibClose = new Map<number, number>();
  if (ib)
    for (let i = 0; i < ib.length; i++) {
      const day = Math.floor(ib.timeMs[i]! / MS_PER_DAY);
      if (day >= from && day <= to) ibClose.set(day, ib.close[i]!);
    }
  const alphaIndex = new Map<number, number>();
  if (alpha)
    for (let i = 0; i < alpha.length; i++) {
      const day = alpha.days[i]!;
      if (day >= from && day <= to) alphaIndex.set(day, i);
    }
  let days = 0;
  let daysDiffering = 0;
  let daysMissing = 0;
  let maxCloseDiff: number | null = null;
  let maxCloseDiffDay: string | null = null;
  for (const day of [...new Set([...ibClose.keys(), ...alphaIndex.keys()])].sort((a, b) => a - b)) {
    const a = ibClose.get(day);
    const i = alphaIndex.get(day);
    if (a === undefined || i === undefined) {
      daysMissing++;
      continue;
    }
    days++;
    const adjusted = alpha!.adjustedClose[i]!;
    if (!Object.is(a, adjusted)) daysDiffering++;
    const diff = Math.abs((adjusted - a) / a);
    if (maxCloseDiff === null || diff > maxCloseDiff) {
      maxCloseDiff = diff;
      maxCloseDiffDay = formatDay(day);
    }
  }
  const lastIb = ibClose.get(to) ?? null;
  const last = alphaIndex.get(to);
  const alphaClose = last === undefined ? null : alpha!.close[last]!;
  const alphaAdjustedClose = last === undefined ? null : alpha!.adjustedClose[last]!;
  return {
    ibClose: lastIb,
    alphaClose,
    alphaAdjustedClose,
    closeDiff: lastIb !== null && alphaAdjustedClose !== null ? (alphaAdjustedClose - lastIb) / lastIb : null,
    days,
    daysDiffering,
    daysMissing,
    maxCloseDiff,
    maxCloseDiffDay,
  };
}

function indexOfDay(days: Int32Array, day: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = days[mid]!;
    if (value === day) return mid;
    if (value < day) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
