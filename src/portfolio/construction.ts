import type { ConstructionParams } from './construction-schema.js';

/**
 * Portfolio construction: scores -> target weights under constraints (Lean's
 * IPortfolioConstructionModel: one method). Weights are fractions of net liquidation; what they leave
 * unallocated is cash. Inputs are arrays indexed like `symbols`, which keeps the weekly backtest loop
 * allocation-light; `createTargetRecord` wraps it for symbol-keyed callers (live trading).
 */
export const WEIGHTING_SCHEMES = ['equal', 'score', 'inverse_volatility'] as const;
export type Weighting = (typeof WEIGHTING_SCHEMES)[number];
// Declared with its schema (construction-schema.ts), which is kept out of what a backtest loads.
export type { ConstructionParams };

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

export function constructWeights(input: ConstructionInput, params: ConstructionParams): Float64Array {
  const n = input.symbols.length;
  const weights = new Float64Array(n);
  const count = topCandidates(input.scores, params.topN);
  if (count === 0) return limitTurnover(weights, input.previousWeights, params.turnoverLimit);
  const selected = chosen;

  if (params.weighting === 'equal') {
    for (let p = 0; p < count; p++) weights[selected[p]!] = 1;
  } else if (params.weighting === 'score') {
    // By score rank (best = N ... worst = 1): model scores have no common scale across families.
    for (let p = 0; p < count; p++) weights[selected[p]!] = count - p;
  } else {
    // The median positive volatility of the selected names stands in for a missing one.
    let known = 0;
    for (let p = 0; p < count; p++) {
      const vol = input.volatility?.[selected[p]!] ?? Number.NaN;
      if (vol > 0) volScratch[known++] = vol;
    }
    const vols = volScratch.subarray(0, known).sort();
    const fallback = known > 0 ? vols[Math.floor(known / 2)]! : 1;
    for (let p = 0; p < count; p++) {
      const i = selected[p]!;
      const vol = input.volatility?.[i] ?? Number.NaN;
      weights[i] = 1 / (vol > 0 ? vol : fallback);
    }
  }
  let total = 0;
  for (let p = 0; p < count; p++) total += weights[selected[p]!]!;
  const investable = 1 - params.cashBuffer;
  for (let p = 0; p < count; p++) {
    const i = selected[p]!;
    weights[i] = (weights[i]! / total) * investable;
  }

  applyCaps(weights, count, input.sectors, params);
  return limitTurnover(weights, input.previousWeights, params.turnoverLimit);
}

/**
 * Scratch of one construction, grown on demand; safe because construction never yields midway. The
 * weekly backtest constructs a thousand times a run: arrays, sets and maps per call were ~7 MB of
 * garbage a 20-year run.
 */
let chosen = new Int32Array(64);
let volScratch = new Float64Array(64);
let heap = new Float64Array(64);
let sectorIds = new Int32Array(64);
let openNames = new Int32Array(64);
let sectorSums = new Float64Array(16);
let fullSector = new Uint8Array(16);
const sectorNames: string[] = [];

/**
 * Writes the indices of the N best finite scores to `chosen`, best first, and returns how many; ties
 * are broken by symbol position so results never depend on sort stability. A min-heap of the N best
 * finds the N-th best score (the cutoff) in one pass, so only the survivors are sorted (the weekly
 * backtest calls this a thousand times on 500 names; sorting every score each time was a large share
 * of a backtest).
 */
function topCandidates(scores: Float64Array, topN: number): number {
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
  if (size === 0) return 0;
  const cutoff = heap[0]!;
  let survivors = 0;
  let allFinite = true;
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i]! >= cutoff)) continue;
    if (survivors === chosen.length) {
      const grown = new Int32Array(chosen.length * 2);
      grown.set(chosen);
      chosen = grown;
    }
    chosen[survivors++] = i;
    if (scores[i] === Number.POSITIVE_INFINITY) allFinite = false;
  }
  if (allFinite && survivors <= 64) {
    // Finite scores and distinct positions make `better` a strict total order: any sort gives the
    // same list, and insertion sort on a few dozen survivors allocates nothing.
    for (let p = 1; p < survivors; p++) {
      const i = chosen[p]!;
      let q = p - 1;
      while (q >= 0 && better(scores, chosen[q]!, i) > 0) {
        chosen[q + 1] = chosen[q]!;
        q--;
      }
      chosen[q + 1] = i;
    }
  } else {
    const sorted = Array.from(chosen.subarray(0, survivors)).sort((a, b) => better(scores, a, b));
    for (let p = 0; p < survivors; p++) chosen[p] = sorted[p]!;
  }
  if (volScratch.length < chosen.length) volScratch = new Float64Array(chosen.length);
  return Math.min(survivors, topN);
}

/**
 * Candidate order: higher score first, then lower position. A module function, not a closure per
 * call: a new closure each rebalance was a new call target where V8 had inlined the last one.
 */
function better(scores: Float64Array, a: number, b: number): number {
  return scores[b]! - scores[a]! || a - b;
}

/**
 * Enforces the name and sector caps by water-filling: clip what is over a cap and hand the excess to
 * names that still have room, in proportion to their weights. What nobody can absorb stays cash.
 * Works on the first `count` of `chosen`. Sectors are numbered in the order the selection first meets
 * them (names without a sector are "unknown"), the order their totals are summed and capped in.
 */
function applyCaps(
  weights: Float64Array,
  count: number,
  sectors: readonly (string | undefined)[] | undefined,
  params: ConstructionParams,
): void {
  const selected = chosen;
  if (sectorIds.length < count) {
    sectorIds = new Int32Array(chosen.length);
    openNames = new Int32Array(chosen.length);
  }
  let nSectors = 0;
  for (let p = 0; p < count; p++) {
    const name = sectors?.[selected[p]!] ?? 'unknown';
    let id = 0;
    while (id < nSectors && sectorNames[id] !== name) id++;
    if (id === nSectors) sectorNames[nSectors++] = name;
    sectorIds[p] = id;
  }
  if (sectorSums.length < nSectors) {
    sectorSums = new Float64Array(Math.max(nSectors, sectorSums.length * 2));
    fullSector = new Uint8Array(sectorSums.length);
  }
  const epsilon = 1e-12;
  for (let iteration = 0; iteration < 100; iteration++) {
    let excess = 0;
    for (let p = 0; p < count; p++) {
      const i = selected[p]!;
      if (weights[i]! > params.maxWeight) {
        excess += weights[i]! - params.maxWeight;
        weights[i] = params.maxWeight;
      }
    }
    // Every sector here has a name selected: its sum starts at that name's weight (0 + weight).
    sectorSums.fill(0, 0, nSectors);
    for (let p = 0; p < count; p++)
      sectorSums[sectorIds[p]!] = sectorSums[sectorIds[p]!]! + weights[selected[p]!]!;
    for (let id = 0; id < nSectors; id++) {
      const sum = sectorSums[id]!;
      fullSector[id] = 0;
      if (sum > params.sectorCap + epsilon) {
        const scale = params.sectorCap / sum;
        for (let p = 0; p < count; p++) {
          if (sectorIds[p] !== id) continue;
          const i = selected[p]!;
          weights[i] = weights[i]! * scale;
        }
        excess += sum - params.sectorCap;
      }
      if (sum >= params.sectorCap - epsilon) fullSector[id] = 1;
    }
    if (excess <= epsilon) return;
    let room = 0;
    let open = 0;
    for (let p = 0; p < count; p++) {
      const i = selected[p]!;
      if (weights[i]! < params.maxWeight - epsilon && fullSector[sectorIds[p]!] !== 1) {
        openNames[open++] = i;
        room += weights[i]!;
      }
    }
    if (room <= epsilon) return; // nobody can take more: the excess stays cash
    for (let q = 0; q < open; q++) {
      const i = openNames[q]!;
      weights[i] = weights[i]! + (excess * weights[i]!) / room;
    }
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
