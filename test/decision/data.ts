/** Decision fixtures without test-runner imports, shared by the tests and bench/decision. */
import { canonicalJson, FEATURE_NAMES, type ModelRecord, ModelRegistry } from '../../src/alpha/index.js';
import { previousTradingDay, tradingDays } from '../../src/calendar/index.js';
import { seededRandom } from '../../src/core/index.js';
import { IbBarStore, ibBarsFromColumns } from '../../src/marketdata/index.js';
import type { ProjectParamsInput } from '../../src/projects/index.js';
import { sha256Hex } from '../../src/sources/alpha/index.js';

/** A Monday; its decision closes on the Friday before. */
export const TRADING_DATE = '2026-11-23';
export const AS_OF = previousTradingDay(TRADING_DATE);
const SECTORS = ['Tech', 'Energy', 'Health'];

export function symbolsOf(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `S${String(i).padStart(3, '0')}`);
}

/** Deterministic IB daily bars (a seeded random walk per symbol) for `days` trading days through `asOf`. */
export function writeIbBars(
  dataRoot: string,
  symbols: readonly string[],
  options: { days?: number; asOf?: string; seed?: number } = {},
): void {
  const asOf = options.asOf ?? AS_OF;
  const count = options.days ?? 300;
  const all = tradingDays('2024-01-02', asOf);
  const days = all.slice(all.length - count);
  const store = new IbBarStore(dataRoot);
  symbols.forEach((symbol, k) => {
    const random = seededRandom((options.seed ?? 7) * 1000 + k);
    const n = days.length;
    const cols = {
      timeMs: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      wap: new Float64Array(n),
      count: new Float64Array(n),
    };
    let price = 50 + 100 * random();
    const drift = (random() - 0.5) * 0.004;
    for (let i = 0; i < n; i++) {
      const open = price;
      price = Math.round(price * (1 + drift + (random() - 0.5) * 0.04) * 100) / 100;
      cols.timeMs[i] = Date.parse(`${days[i]}T00:00:00Z`);
      cols.open[i] = open;
      cols.close[i] = price;
      cols.high[i] = Math.max(open, price) + 0.1;
      cols.low[i] = Math.min(open, price) - 0.1;
      cols.volume[i] = 100_000 + Math.floor(random() * 50_000);
      cols.wap[i] = (open + price) / 2;
      cols.count[i] = 1000;
    }
    store.writeChunk(ibBarsFromColumns(symbol, '1 day', cols), 'fixture', true);
  });
}

export function members(symbols: readonly string[]) {
  return symbols.map((symbol, i) => ({
    symbol,
    name: '',
    industry: '',
    sector: SECTORS[i % SECTORS.length]!,
  }));
}

/** Parameters that make the risk stage cut: construction allows 30% a name, risk 15%. */
export function projectParams(themeId: number, missingBars: 'drop' | 'fail' = 'drop'): ProjectParamsInput {
  return {
    themeIds: [themeId],
    portfolio: { topN: 5, maxWeight: 0.3, cashBuffer: 0.02 },
    risk: { maxPositionWeight: 0.15, maxSectorWeight: 0.4, maxGrossExposure: 1, maxDailyLoss: 0.05 },
    decision: { missingBars, maxStaleDays: 0 },
  };
}

/** The rule model (26-week momentum) as a registry record, final fit in force after 2020. */
export function ruleModel(): ModelRecord {
  const state = { family: 'rule' as const, featureIndex: FEATURE_NAMES.indexOf('mom_26w') };
  const body = {
    family: 'rule' as const,
    params: { feature: 'mom_26w' },
    seed: 42,
    features: [...FEATURE_NAMES],
    codeVersion: 'alpha-1',
    dataDigest: 'fixture',
    symbols: [],
    training: { retrainEvery: 4, trainWindow: 52, minTrainPeriods: 0 },
    createdAt: '2026-01-01T00:00:00.000Z',
    firstDecision: '2020-01-03',
    lastDecision: '2020-01-03',
    metrics: { ic: null, rankIc: null, hitRate: null, periods: 0, byYear: [], byPeriod: [] },
    fits: [],
    final: { trainedThrough: '2020-01-03', samples: 0, state },
  };
  return { version: sha256Hex(canonicalJson(body)), ...body };
}

export async function saveModel(dataRoot: string): Promise<ModelRecord> {
  const record = ruleModel();
  await new ModelRegistry(dataRoot).save(record);
  return record;
}
