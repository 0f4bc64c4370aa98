import { evaluateSignal } from './expression.js';
import { computeFeatures, FEATURE_COUNT, FEATURE_NAMES, momentumAndVolatility } from './features.js';
import { newColumn, type Panel } from './panel.js';

/**
 * The cross-sectional dataset that training and scoring share: features at each decision row,
 * rank-normalised across the symbols eligible that day, and the label that training learns.
 *
 * Eligible: a bar on the decision day and at least 26 weeks of history (so the baseline's momentum
 * exists). Normalised features are cross-sectional ranks mapped to (-0.5, 0.5); a missing feature is
 * 0 (the middle), which keeps young stocks usable by the models that need every input.
 *
 * Label (target): the forward 1-week return, from decision close k to decision close k+1, as a
 * cross-sectional rank in (-0.5, 0.5). It is known only at decision k+1, which walk-forward training
 * respects.
 *
 * Expression features (a project's `model.expressions`, see expression.ts) follow the built-in ones
 * as further columns, evaluated on the same panel and normalised the same way, so every model family
 * takes them as inputs and a model record names them (its `features`) for live scoring.
 */
export interface AlphaDataset {
  readonly panel: Panel;
  readonly decisionRows: Int32Array;
  readonly nSymbols: number;
  /** Columns per sample: the built-in features, then one per expression. */
  readonly nFeatures: number;
  /** The built-in feature names, then the expressions' texts. */
  readonly featureNames: readonly string[];
  /** `[(k * nSymbols + s) * nFeatures + f]`, raw feature values (NaN when missing). */
  readonly raw: Float64Array;
  /**
   * Same layout, rank-normalised; 0 for missing or ineligible. Computed on first read (then kept): a
   * model that reads one input (the rule model) takes `normalizedFeature` instead, and the S&P 500
   * data's full matrix is 42 MB of fresh memory and eight more cross-sectional sorts per decision.
   */
  readonly normalized: Float64Array;
  /** `[k * nSymbols + s]`. */
  readonly eligible: Uint8Array;
  /** Forward return of decision k (NaN if ineligible or unknown). */
  readonly forwardReturn: Float64Array;
  readonly label: Float64Array;
}

const MOM_26W = 2;

export interface DatasetOptions {
  /** Expression features (validated texts), appended after the built-in features. */
  expressions?: readonly string[];
  /** Sector per panel symbol, for `neutral(x)` in expressions. */
  sectors?: readonly (string | undefined)[];
}

export function buildDataset(
  panel: Panel,
  decisionRows: Int32Array,
  options: DatasetOptions = {},
): AlphaDataset {
  const nSymbols = panel.symbols.length;
  const nDecisions = decisionRows.length;
  const expressions = options.expressions ?? [];
  const nFeatures = FEATURE_COUNT + expressions.length;
  // The built-in features land in their columns of `raw` directly, the expressions' after them.
  const raw = computeFeatures(panel, decisionRows, nFeatures);
  const eligible = new Uint8Array(nDecisions * nSymbols);
  const forwardReturn = new Float64Array(nDecisions * nSymbols).fill(Number.NaN);
  const label = new Float64Array(nDecisions * nSymbols).fill(Number.NaN);
  const scratch = rankScratch(nSymbols);

  // Small functions per decision rather than one loop nest: V8 optimises them after a few calls
  // instead of replacing a giant function's frame mid-loop (on-stack replacement), which costs more.
  for (let k = 0; k < nDecisions; k++)
    markEligible(panel, decisionRows[k]!, k, raw, nFeatures, MOM_26W, eligible);
  if (expressions.length > 0) {
    // Expressions see the eligibility above (their cross-sectional functions rank the eligible).
    for (let e = 0; e < expressions.length; e++) {
      const column = evaluateSignal(
        expressions[e]!,
        { panel, decisionRows, nSymbols, eligible },
        options.sectors,
      );
      for (let index = 0; index < nDecisions * nSymbols; index++)
        raw[index * nFeatures + FEATURE_COUNT + e] = column[index]!;
    }
  }

  for (let k = 0; k < nDecisions - 1; k++) {
    const count = collectMembers(eligible, k * nSymbols, nSymbols, scratch.members);
    rankForward(
      panel,
      decisionRows[k]!,
      decisionRows[k + 1]!,
      k * nSymbols,
      count,
      forwardReturn,
      label,
      scratch,
    );
  }
  const featureNames = [...FEATURE_NAMES, ...expressions];
  let normalized: Float64Array | undefined;
  return {
    panel,
    decisionRows,
    nSymbols,
    nFeatures,
    featureNames,
    raw,
    // Enumerable, so a copy of the dataset (the sweep's shared copy for its workers) carries it.
    get normalized(): Float64Array {
      normalized ??= normalizeFeatures(raw, eligible, nDecisions, nSymbols, nFeatures);
      return normalized;
    },
    eligible,
    forwardReturn,
    label,
  };
}

/** What expression signals read of a dataset (`evaluateSignal`, `signalScores`). */
export type SignalDataset = Pick<AlphaDataset, 'panel' | 'decisionRows' | 'nSymbols' | 'eligible'>;

/**
 * The dataset's part that signals read, and vol_60d at each sample (`[k * nSymbols + s]`, for
 * inverse-volatility weighting), equal to `buildDataset`'s: without its feature matrix, forward returns
 * and labels, which a sweep's points never read. `shared`: in SharedArrayBuffers (see `PanelOptions`).
 */
export function buildSignalDataset(
  panel: Panel,
  decisionRows: Int32Array,
  options: { shared?: boolean } = {},
): { dataset: SignalDataset; volatility: Float64Array } {
  const nSymbols = panel.symbols.length;
  const { mom26w, vol60d } = momentumAndVolatility(panel, decisionRows, options.shared);
  const eligible = newColumn(Uint8Array, decisionRows.length * nSymbols, options.shared);
  for (let k = 0; k < decisionRows.length; k++)
    markEligible(panel, decisionRows[k]!, k, mom26w, 1, 0, eligible);
  return { dataset: { panel, decisionRows, nSymbols, eligible }, volatility: vol60d };
}

/** The whole `normalized` matrix: every feature ranked at every decision. */
function normalizeFeatures(
  raw: Float64Array,
  eligible: Uint8Array,
  nDecisions: number,
  nSymbols: number,
  nFeatures: number,
): Float64Array {
  const out = new Float64Array(raw.length);
  const scratch = rankScratch(nSymbols);
  for (let k = 0; k < nDecisions; k++) {
    const count = collectMembers(eligible, k * nSymbols, nSymbols, scratch.members);
    for (let f = 0; f < nFeatures; f++)
      rankFeature(raw, k * nSymbols, nFeatures, f, count, scratch, out, nFeatures, f);
  }
  return out;
}

/** Columns already ranked by `normalizedFeature`, per dataset. */
const featureColumns = new WeakMap<AlphaDataset, Map<number, Float64Array>>();

/**
 * Feature f rank-normalised, `[k * nSymbols + s]`: the values of `normalized` at column f, bit for bit,
 * computed alone (and kept per dataset). A model scored by one input (the rule model) reads this, so
 * the whole matrix is never built for it.
 */
export function normalizedFeature(dataset: AlphaDataset, f: number): Float64Array {
  const { nSymbols, nFeatures, raw, eligible } = dataset;
  if (!Number.isInteger(f) || f < 0 || f >= nFeatures)
    throw new Error(`feature: column ${f} is not one of the dataset's ${nFeatures}`);
  let columns = featureColumns.get(dataset);
  if (!columns) {
    columns = new Map();
    featureColumns.set(dataset, columns);
  }
  let column = columns.get(f);
  if (!column) {
    const nDecisions = dataset.decisionRows.length;
    column = new Float64Array(nDecisions * nSymbols);
    const scratch = rankScratch(nSymbols);
    for (let k = 0; k < nDecisions; k++) {
      const count = collectMembers(eligible, k * nSymbols, nSymbols, scratch.members);
      rankFeature(raw, k * nSymbols, nFeatures, f, count, scratch, column, 1, 0);
    }
    columns.set(f, column);
  }
  return column;
}

function rankScratch(nSymbols: number): RankScratch {
  return {
    members: new Int32Array(nSymbols),
    values: new Float64Array(nSymbols),
    owners: new Int32Array(nSymbols),
    ranks: new Float64Array(nSymbols),
    order: new Float64Array(nSymbols),
  };
}

interface RankScratch {
  /** Eligible symbols of the decision being ranked. */
  readonly members: Int32Array;
  readonly values: Float64Array;
  /** Where each of `values` goes in the output. */
  readonly owners: Int32Array;
  readonly ranks: Float64Array;
  readonly order: Float64Array;
}

/** Marks decision k's eligible samples; mom_26w of sample `index` is `momentum[index * stride + shift]`. */
function markEligible(
  panel: Panel,
  t: number,
  k: number,
  momentum: Float64Array,
  stride: number,
  shift: number,
  eligible: Uint8Array,
): void {
  const nDays = panel.days.length;
  const hasBar = panel.hasBar;
  const nSymbols = panel.symbols.length;
  for (let s = 0; s < nSymbols; s++) {
    const index = k * nSymbols + s;
    if (hasBar[s * nDays + t] && !Number.isNaN(momentum[index * stride + shift]!)) eligible[index] = 1;
  }
}

function collectMembers(eligible: Uint8Array, offset: number, nSymbols: number, members: Int32Array): number {
  let count = 0;
  for (let s = 0; s < nSymbols; s++) if (eligible[offset + s]) members[count++] = s;
  return count;
}

/**
 * Ranks feature f of one decision (samples from `offset`) over its eligible members into `out`, the
 * sample `index` at `index * stride + shift` (the matrix's layout, or a single column's).
 */
function rankFeature(
  raw: Float64Array,
  offset: number,
  nFeatures: number,
  f: number,
  count: number,
  scratch: RankScratch,
  out: Float64Array,
  stride: number,
  shift: number,
): void {
  const { members, values, owners, ranks, order } = scratch;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const index = offset + members[i]!;
    const value = raw[index * nFeatures + f]!;
    if (!Number.isNaN(value)) {
      values[n] = value;
      owners[n++] = index * stride + shift;
    }
  }
  centeredRanks(values, n, ranks, order);
  for (let i = 0; i < n; i++) out[owners[i]!] = ranks[i]!;
}

/** Forward returns from decision row t to row `next` of the eligible members, and their ranks (labels). */
function rankForward(
  panel: Panel,
  t: number,
  next: number,
  offset: number,
  count: number,
  forwardReturn: Float64Array,
  label: Float64Array,
  scratch: RankScratch,
): void {
  const { members, values, owners, ranks, order } = scratch;
  const nDays = panel.days.length;
  const prices = panel.adjClose;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const s = members[i]!;
    const r = prices[s * nDays + next]! / prices[s * nDays + t]! - 1;
    forwardReturn[offset + s] = r;
    if (!Number.isNaN(r)) {
      values[n] = r;
      owners[n++] = offset + s;
    }
  }
  centeredRanks(values, n, ranks, order);
  for (let i = 0; i < n; i++) label[owners[i]!] = ranks[i]!;
}

/**
 * Writes `(rank + 0.5) / n - 0.5` of values[0..n) into out, ties sharing their mean rank.
 * `scratch` needs room for n values. Sorts a copy together with the original positions (a small
 * quicksort on typed arrays: several times faster than the built-in sort plus a search per value,
 * and the dataset ranks ~10,000 cross-sections).
 */
export function centeredRanks(
  values: Float64Array,
  n: number,
  out: Float64Array,
  scratch: Float64Array,
): void {
  const sorted = scratch.subarray(0, n);
  sorted.set(values.subarray(0, n));
  if (positions.length < n) positions = new Int32Array(Math.max(n, positions.length * 2));
  for (let i = 0; i < n; i++) positions[i] = i;
  sortWithPositions(sorted, positions, 0, n - 1);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const rank = ((i + j) / 2 + 0.5) / n - 0.5;
    for (let m = i; m <= j; m++) out[positions[m]!] = rank;
    i = j + 1;
  }
}

// Scratch for the sort, grown on demand; safe because ranking never yields to other code midway.
let positions = new Int32Array(1024);

/** In-place quicksort of keys[lo..hi] (no NaN), moving `carried` along; insertion sort for short runs. */
function sortWithPositions(keys: Float64Array, carried: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot keeps sorted and reversed inputs O(n log n).
    if (keys[mid]! < keys[lo]!) swap(keys, carried, mid, lo);
    if (keys[hi]! < keys[lo]!) swap(keys, carried, hi, lo);
    if (keys[hi]! < keys[mid]!) swap(keys, carried, hi, mid);
    const pivot = keys[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (keys[i]! < pivot) i++;
      while (keys[j]! > pivot) j--;
      if (i <= j) {
        swap(keys, carried, i, j);
        i++;
        j--;
      }
    }
    // Recurse into the smaller part, loop on the larger: bounded stack depth.
    if (j - lo < hi - i) {
      sortWithPositions(keys, carried, lo, j);
      lo = i;
    } else {
      sortWithPositions(keys, carried, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const key = keys[i]!;
    const position = carried[i]!;
    let j = i - 1;
    while (j >= lo && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      carried[j + 1] = carried[j]!;
      j--;
    }
    keys[j + 1] = key;
    carried[j + 1] = position;
  }
}

function swap(keys: Float64Array, carried: Int32Array, a: number, b: number): void {
  const key = keys[a]!;
  keys[a] = keys[b]!;
  keys[b] = key;
  const position = carried[a]!;
  carried[a] = carried[b]!;
  carried[b] = position;
}
