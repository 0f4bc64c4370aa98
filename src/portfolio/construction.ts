import { z } from 'zod';

/**
 * Portfolio construction: scores -> target weights under constraints (Lean's
 * IPortfolioConstructionModel: one method). Weights are fractions of net liquidation; what they leave
 * unallocated is cash. Inputs are arrays indexed like `symbols`, which keeps the weekly backtest loop
 * allocation-light; `createTargetRecord` wraps it for symbol-keyed callers (live trading).
 */
export const WEIGHTING_SCHEMES = ['equal', 'score', 'inverse_volatility'] as const;
export type Weighting = (typeof WEIGHTING_SCHEMES)[number];

export const constructionParamsSchema = z.object({
  topN: z.number().int().min(1).max(10_000).default(20),
  weighting: z.enum(WEIGHTING_SCHEMES).default('equal'),
  /** Largest weight of one name. */
  maxWeight: z.number().gt(0).max(1).default(0.1),
  /** Largest total weight of one sector; names without a sector form the sector "unknown". */
  sectorCap: z.number().gt(0).max(1).default(1),
  /** Fraction of net liquidation kept in cash. */
  cashBuffer: z.number().min(0).lt(1).default(0.02),
  /** Largest one-way turnover per rebalance, 0.5 x sum |new - old|; 1 = unlimited. */
  turnoverLimit: z.number().gt(0).max(1).default(1),
});
export type ConstructionParams = z.infer<typeof constructionParamsSchema>;

export interface ConstructionInput {
  readonly symbols: readonly string[];
  /** NaN = not eligible. Higher is better. */
  readonly scores: Float64Array;
  /** Annualised volatility per symbol, for inverse-volatility weighting. */
  readonly volatility?: Float64Array;
  readonly sectors?: readonly (string | undefined)[];
  /** Current weights; turnover is limited relative to them. */
  readonly previousWeights?: Float64Array;
}

export interface PortfolioConstructionModel {
  createTargets(input: ConstructionInput): Float64Array;
}

export function createConstructionModel(
  rawParams: Partial<ConstructionParams> = {},
): PortfolioConstructionModel {
  const params = constructionParamsSchema.parse(rawParams);
  return { createTargets: (input) => constructWeights(input, params) };
}

export function constructWeights(input: ConstructionInput, params: ConstructionParams): Float64Array {
  const n = input.symbols.length;
  const weights = new Float64Array(n);
  const selected = topCandidates(input.scores, params.topN);
  if (selected.length === 0) return limitTurnover(weights, input.previousWeights, params.turnoverLimit);

  if (params.weighting === 'equal') {
    for (const i of selected) weights[i] = 1;
  } else if (params.weighting === 'score') {
    // By score rank (best = N ... worst = 1): model scores have no common scale across families.
    selected.forEach((i, position) => {
      weights[i] = selected.length - position;
    });
  } else {
    const vols = selected.map((i) => input.volatility?.[i] ?? Number.NaN).filter((v) => v > 0);
    vols.sort((a, b) => a - b);
    const fallback = vols.length > 0 ? vols[Math.floor(vols.length / 2)]! : 1;
    for (const i of selected) {
      const vol = input.volatility?.[i] ?? Number.NaN;
      weights[i] = 1 / (vol > 0 ? vol : fallback);
    }
  }
  let total = 0;
  for (const i of selected) total += weights[i]!;
  const investable = 1 - params.cashBuffer;
  for (const i of selected) weights[i] = (weights[i]! / total) * investable;

  applyCaps(weights, selected, input.sectors, params);
  return limitTurnover(weights, input.previousWeights, params.turnoverLimit);
}

/**
 * Indices of the N best finite scores, best first; ties broken by symbol position so results never
 * depend on sort stability. A min-heap of the N best finds the N-th best score (the cutoff) in one
 * pass, so only the survivors are sorted (the weekly backtest calls this a thousand times on 500
 * names; sorting every score each time was a large share of a backtest).
 */
function topCandidates(scores: Float64Array, topN: number): number[] {
  if (heap.length < topN) heap = new Float64Array(Math.max(topN, heap.length * 2));
  let size = 0;
  for (let i = 0; i < scores.length; i++) {
    const value = scores[i]!;
    if (!Number.isFinite(value)) continue;
    if (size < topN) {
      // Sift up: the smallest kept score stays at the root.
      let child = size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!(heap[parent]! > value)) break;
        heap[child] = heap[parent]!;
        child = parent;
      }
      heap[child] = value;
    } else if (value > heap[0]!) {
      let parent = 0;
      for (;;) {
        let child = 2 * parent + 1;
        if (child >= size) break;
        if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
        if (!(heap[child]! < value)) break;
        heap[parent] = heap[child]!;
        parent = child;
      }
      heap[parent] = value;
    }
  }
  if (size === 0) return [];
  const cutoff = heap[0]!;
  const survivors: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= cutoff) survivors.push(i);
  survivors.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return survivors.slice(0, topN);
}

// Scratch for topCandidates, grown on demand; safe because construction never yields midway.
let heap = new Float64Array(64);

/**
 * Enforces the name and sector caps by water-filling: clip what is over a cap and hand the excess to
 * names that still have room, in proportion to their weights. What nobody can absorb stays cash.
 */
function applyCaps(
  weights: Float64Array,
  selected: readonly number[],
  sectors: readonly (string | undefined)[] | undefined,
  params: ConstructionParams,
): void {
  const sectorOf = (i: number): string => sectors?.[i] ?? 'unknown';
  const epsilon = 1e-12;
  for (let iteration = 0; iteration < 100; iteration++) {
    let excess = 0;
    for (const i of selected) {
      if (weights[i]! > params.maxWeight) {
        excess += weights[i]! - params.maxWeight;
        weights[i] = params.maxWeight;
      }
    }
    const sectorTotals = new Map<string, number>();
    for (const i of selected)
      sectorTotals.set(sectorOf(i), (sectorTotals.get(sectorOf(i)) ?? 0) + weights[i]!);
    const fullSectors = new Set<string>();
    for (const [sector, sum] of sectorTotals) {
      if (sum > params.sectorCap + epsilon) {
        const scale = params.sectorCap / sum;
        for (const i of selected) if (sectorOf(i) === sector) weights[i] = weights[i]! * scale;
        excess += sum - params.sectorCap;
      }
      if (sum >= params.sectorCap - epsilon) fullSectors.add(sector);
    }
    if (excess <= epsilon) return;
    let room = 0;
    const open = selected.filter(
      (i) => weights[i]! < params.maxWeight - epsilon && !fullSectors.has(sectorOf(i)),
    );
    for (const i of open) room += weights[i]!;
    if (room <= epsilon) return; // nobody can take more: the excess stays cash
    for (const i of open) weights[i] = weights[i]! + (excess * weights[i]!) / room;
  }
}

function limitTurnover(
  weights: Float64Array,
  previous: Float64Array | undefined,
  limit: number,
): Float64Array {
  if (!previous || limit >= 1) return weights;
  let turnover = 0;
  for (let i = 0; i < weights.length; i++) turnover += Math.abs(weights[i]! - (previous[i] ?? 0));
  turnover /= 2;
  if (turnover <= limit) return weights;
  // Moving part of the way keeps every cap that both the old and the new weights satisfy.
  const step = limit / turnover;
  const out = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const old = previous[i] ?? 0;
    out[i] = old + (weights[i]! - old) * step;
  }
  return out;
}

/** Symbol-keyed form for callers outside the backtest loop. */
export function createTargetRecord(
  model: PortfolioConstructionModel,
  scores: ReadonlyMap<string, number>,
  options: {
    volatility?: ReadonlyMap<string, number>;
    sectors?: ReadonlyMap<string, string>;
    previousWeights?: ReadonlyMap<string, number>;
  } = {},
): Record<string, number> {
  const symbols = [...new Set([...scores.keys(), ...(options.previousWeights?.keys() ?? [])])].sort();
  const weights = model.createTargets({
    symbols,
    scores: Float64Array.from(symbols, (symbol) => scores.get(symbol) ?? Number.NaN),
    volatility: Float64Array.from(symbols, (symbol) => options.volatility?.get(symbol) ?? Number.NaN),
    sectors: symbols.map((symbol) => options.sectors?.get(symbol)),
    previousWeights: Float64Array.from(symbols, (symbol) => options.previousWeights?.get(symbol) ?? 0),
  });
  const out: Record<string, number> = {};
  symbols.forEach((symbol, i) => {
    if (weights[i]! > 0) out[symbol] = weights[i]!;
  });
  return out;
}
