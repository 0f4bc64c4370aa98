import type { SnapshotContent, SnapshotSummary } from './decisions-api';

/** Hashes are shown shortened; the full one is in the tooltip and the copy button. */
export function shortHash(hash: string | null): string {
  return hash ? hash.slice(0, 12) : '—';
}

/** Weights are fractions: 0.125 = 12.50%. */
export function formatWeight(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : `${(value * 100).toFixed(2)}%`;
}

/** Scores keep their precision: parity is bit for bit, so the view must not round two values together. */
export function formatScore(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toPrecision(6);
}

export type CutReason = SnapshotContent['cuts'][number]['reason'];

export interface WeightRow {
  symbol: string;
  sector: string;
  score: number | null;
  previous: number;
  before: number;
  after: number;
  cuts: CutReason[];
}

/** One row per symbol the decision held, held before, or cut: weights before and after the risk stage. */
export function weightRows(content: SnapshotContent): WeightRow[] {
  const symbols = new Set([
    ...Object.keys(content.weightsBefore),
    ...Object.keys(content.weightsAfter),
    ...Object.keys(content.previousWeights).filter((s) => content.previousWeights[s] !== 0),
    ...content.cuts.map((cut) => cut.symbol),
  ]);
  return [...symbols].sort().map((symbol) => ({
    symbol,
    sector: content.sectors[symbol] ?? '',
    score: content.scores[symbol] ?? null,
    previous: content.previousWeights[symbol] ?? 0,
    before: content.weightsBefore[symbol] ?? 0,
    after: content.weightsAfter[symbol] ?? 0,
    cuts: content.cuts.filter((cut) => cut.symbol === symbol).map((cut) => cut.reason),
  }));
}

export interface ScoreRow {
  symbol: string;
  sector: string;
  score: number;
  rank: number;
  after: number;
}

/** Every scored symbol, ranked (1 = highest score), with the weight it was given. */
export function scoreRows(content: SnapshotContent): ScoreRow[] {
  return Object.entries(content.scores)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
    .map(([symbol, score], i) => ({
      symbol,
      sector: content.sectors[symbol] ?? '',
      score,
      rank: i + 1,
      after: content.weightsAfter[symbol] ?? 0,
    }));
}

export interface SectorWeight {
  /** '' for symbols without a sector. */
  sector: string;
  before: number;
  after: number;
}

/** Weights summed by sector, before and after the risk stage, largest (after) first. */
export function sectorWeights(content: SnapshotContent): SectorWeight[] {
  const bySector = new Map<string, SectorWeight>();
  const add = (weights: Record<string, number>, key: 'before' | 'after') => {
    for (const [symbol, weight] of Object.entries(weights)) {
      const sector = content.sectors[symbol] ?? '';
      const row = bySector.get(sector) ?? { sector, before: 0, after: 0 };
      row[key] += weight;
      bySector.set(sector, row);
    }
  };
  add(content.weightsBefore, 'before');
  add(content.weightsAfter, 'after');
  return [...bySector.values()].sort((a, b) => b.after - a.after || b.before - a.before);
}

/** Newest trading date first; among a date's snapshots the latest id first. */
export function byDateDesc(a: SnapshotSummary, b: SnapshotSummary): number {
  return a.tradingDate === b.tradingDate ? b.id - a.id : a.tradingDate < b.tradingDate ? 1 : -1;
}

/** The project's current decision: the newest snapshot no re-decision replaced. */
export function latestCurrent(snapshots: readonly SnapshotSummary[]): SnapshotSummary | null {
  return [...snapshots].filter((s) => !s.superseded).sort(byDateDesc)[0] ?? null;
}

export const SNAPSHOT_PATH = '/live/snapshots';
export const snapshotPath = (id: number) => `${SNAPSHOT_PATH}/${id}`;
export const projectSnapshotsPath = (projectId: number) => `${SNAPSHOT_PATH}?project=${projectId}`;
export const runSnapshotPath = (runId: number) => `/live/runs/${runId}/snapshot`;
