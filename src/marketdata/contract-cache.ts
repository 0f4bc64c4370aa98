/**
 * The contract cache: symbol -> IB contract (conId, exchange, primary exchange, currency, multiplier,
 * min tick, lot size, trading hours) in `ib_contract_cache`, mirrored as a JSON snapshot under
 * `<dataRoot>/ib/contracts/contracts.json`. A refresh asks IB only for missing or stale entries.
 *
 * Ambiguous answers (several STK matches for one symbol) are settled by these rules, in order:
 * 1. keep matches in the requested currency (default USD);
 * 2. if a primary exchange was given (universe or query), keep matches listed there;
 * 3. prefer the primary listing venues in this order: NYSE, NASDAQ, ARCA, AMEX, BATS;
 * 4. if more than one match is still left, the symbol stays unresolved ("ambiguous") with the
 *    candidates listed, so a person decides; a guess could trade the wrong instrument.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Brokerage, BrokerContract } from '../brokerage/index.js';
import { BrokerRequestError } from '../brokerage/index.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../store/index.js';

export const PRIMARY_EXCHANGE_PREFERENCE = ['NYSE', 'NASDAQ', 'ARCA', 'AMEX', 'BATS'] as const;

export type Resolution =
  | { kind: 'resolved'; contract: BrokerContract; candidates: number }
  | { kind: 'unresolved'; reason: string; candidates: number };

export function chooseContract(
  matches: BrokerContract[],
  currency: string,
  primaryExchange?: string,
): Resolution {
  let pool = matches.filter((m) => m.currency === currency);
  if (pool.length === 0) {
    return {
      kind: 'unresolved',
      reason: `no ${currency} listing (IB offered ${matches.map((m) => `${m.primaryExchange}/${m.currency}`).join(', ') || 'nothing'})`,
      candidates: matches.length,
    };
  }
  if (primaryExchange) {
    const onVenue = pool.filter((m) => m.primaryExchange === primaryExchange);
    if (onVenue.length > 0) pool = onVenue;
  }
  if (pool.length > 1) {
    for (const venue of PRIMARY_EXCHANGE_PREFERENCE) {
      const preferred = pool.filter((m) => m.primaryExchange === venue);
      if (preferred.length > 0) {
        pool = preferred;
        break;
      }
    }
  }
  const distinct = new Map(pool.map((m) => [m.conId, m]));
  if (distinct.size > 1) {
    return {
      kind: 'unresolved',
      reason: `ambiguous: ${[...distinct.values()].map((m) => `${m.conId}@${m.primaryExchange}`).join(', ')}`,
      candidates: matches.length,
    };
  }
  const [only] = distinct.values();
  return only
    ? { kind: 'resolved', contract: only, candidates: matches.length }
    : { kind: 'unresolved', reason: 'IB returned no match', candidates: 0 };
}

export interface ResolutionEntry {
  symbol: string;
  status: 'resolved' | 'unresolved' | 'missing';
  conId: number | null;
  primaryExchange: string | null;
  reason: string | null;
  fetchedAt: string | null;
  stale: boolean;
}

export interface ResolutionReport {
  source: 'ib';
  total: number;
  resolved: number;
  unresolved: number;
  missing: number;
  stale: number;
  entries: ResolutionEntry[];
}

export interface RefreshOptions {
  maxAgeDays?: number;
  currency?: string;
  force?: boolean;
  concurrency?: number;
  onProgress?: (done: number, total: number, symbol: string) => void;
  /**
   * Stops the refresh between symbols: the symbols resolved so far are kept (and snapshotted), then
   * the abort reason is thrown.
   */
  signal?: AbortSignal;
}

type Row = Database['ib_contract_cache'];

function rowToContract(row: Row): BrokerContract {
  return {
    symbol: row.symbol,
    conId: Number(row.con_id),
    secType: 'STK',
    exchange: row.exchange,
    primaryExchange: row.primary_exchange,
    currency: row.currency,
    multiplier: row.multiplier,
    minTick: row.min_tick,
    lotSize: row.lot_size,
    longName: row.long_name,
    industry: row.industry,
    category: row.category,
    timeZoneId: row.time_zone_id,
    tradingHours: row.trading_hours,
    liquidHours: row.liquid_hours,
  };
}

export class ContractCache {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dataRoot: string,
    private readonly brokerage: Pick<Brokerage, 'contracts'>,
    private readonly clock: Clock,
  ) {}

  async get(symbol: string, currency = 'USD'): Promise<BrokerContract | undefined> {
    const row = await this.db
      .selectFrom('ib_contract_cache')
      .selectAll()
      .where('symbol', '=', symbol.toUpperCase())
      .where('currency', '=', currency)
      .executeTakeFirst();
    return row && row.status === 'resolved' ? rowToContract(row) : undefined;
  }

  /** The resolved cached contracts among `symbols` (one query per 500 symbols); misses are absent. */
  async getMany(symbols: readonly string[], currency = 'USD'): Promise<Map<string, BrokerContract>> {
    const rows = await this.rows([...new Set(symbols.map((s) => s.toUpperCase()))], currency);
    const out = new Map<string, BrokerContract>();
    for (const symbol of symbols) {
      const row = rows.get(symbol.toUpperCase());
      if (row?.status === 'resolved') out.set(symbol, rowToContract(row));
    }
    return out;
  }

  /** The cached contract, resolved through IB first when missing; throws when IB cannot resolve it. */
  async require(symbol: string, currency = 'USD'): Promise<BrokerContract> {
    const cached = await this.get(symbol, currency);
    if (cached) return cached;
    await this.refresh([symbol], { currency });
    const fresh = await this.get(symbol, currency);
    if (fresh) return fresh;
    const report = await this.report([symbol], { currency });
    throw new Error(
      `${symbol.toUpperCase()}: not resolved by IB (${report.entries[0]?.reason ?? 'unknown'})`,
    );
  }

  /** Resolves missing, unresolved-before or stale symbols through IB; returns the report afterwards. */
  async refresh(symbols: string[], options: RefreshOptions = {}): Promise<ResolutionReport> {
    const currency = options.currency ?? 'USD';
    const maxAgeMs = (options.maxAgeDays ?? 7) * 86_400_000;
    const unique = [...new Set(symbols.map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0))];
    const rows = await this.rows(unique, currency);
    const now = this.clock.nowMs();
    const todo = unique.filter((symbol) => {
      const row = rows.get(symbol);
      return (
        options.force || !row || row.status !== 'resolved' || now - Date.parse(row.fetched_at) > maxAgeMs
      );
    });
    let done = unique.length - todo.length;
    options.onProgress?.(done, unique.length, '');
    const queue = [...todo];
    const worker = async () => {
      for (let symbol = queue.shift(); symbol !== undefined; symbol = queue.shift()) {
        if (options.signal?.aborted) return;
        await this.resolveOne(symbol, currency);
        done += 1;
        options.onProgress?.(done, unique.length, symbol);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
    if (todo.length > 0) await this.writeSnapshot();
    options.signal?.throwIfAborted();
    return this.report(unique, { currency, maxAgeDays: options.maxAgeDays });
  }

  async report(
    symbols: string[],
    options: { currency?: string; maxAgeDays?: number } = {},
  ): Promise<ResolutionReport> {
    const currency = options.currency ?? 'USD';
    const maxAgeMs = (options.maxAgeDays ?? 7) * 86_400_000;
    const unique = [...new Set(symbols.map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0))];
    const rows = await this.rows(unique, currency);
    const now = this.clock.nowMs();
    const entries: ResolutionEntry[] = unique.map((symbol) => {
      const row = rows.get(symbol);
      if (!row) {
        return {
          symbol,
          status: 'missing',
          conId: null,
          primaryExchange: null,
          reason: 'not looked up yet',
          fetchedAt: null,
          stale: false,
        };
      }
      return {
        symbol,
        status: row.status === 'resolved' ? 'resolved' : 'unresolved',
        conId: row.con_id === null ? null : Number(row.con_id),
        primaryExchange: row.primary_exchange || null,
        reason: row.error,
        fetchedAt: row.fetched_at,
        stale: now - Date.parse(row.fetched_at) > maxAgeMs,
      };
    });
    return {
      source: 'ib',
      total: entries.length,
      resolved: entries.filter((e) => e.status === 'resolved').length,
      unresolved: entries.filter((e) => e.status === 'unresolved').length,
      missing: entries.filter((e) => e.status === 'missing').length,
      stale: entries.filter((e) => e.stale).length,
      entries,
    };
  }

  private async rows(symbols: string[], currency: string): Promise<Map<string, Row>> {
    const out = new Map<string, Row>();
    for (let i = 0; i < symbols.length; i += 500) {
      const batch = symbols.slice(i, i + 500);
      if (batch.length === 0) continue;
      const rows = await this.db
        .selectFrom('ib_contract_cache')
        .selectAll()
        .where('currency', '=', currency)
        .where('symbol', 'in', batch)
        .execute();
      for (const row of rows) out.set(row.symbol, row);
    }
    return out;
  }

  private async resolveOne(symbol: string, currency: string): Promise<void> {
    const fetchedAt = new Date(this.clock.nowMs()).toISOString();
    let resolution: Resolution;
    try {
      const matches = await this.brokerage.contracts.resolve({ symbol, currency });
      resolution = chooseContract(matches, currency);
    } catch (error) {
      if (!(error instanceof BrokerRequestError)) throw error;
      resolution = {
        kind: 'unresolved',
        reason: `IB ${error.code}: ${error.message.replace(/^IB error \d+: /, '')}`,
        candidates: 0,
      };
    }
    const base = {
      symbol,
      currency,
      fetched_at: fetchedAt,
      candidates: resolution.candidates,
      sec_type: 'STK',
    };
    const values: Row =
      resolution.kind === 'resolved'
        ? {
            ...base,
            status: 'resolved',
            con_id: resolution.contract.conId,
            exchange: resolution.contract.exchange,
            primary_exchange: resolution.contract.primaryExchange,
            multiplier: resolution.contract.multiplier,
            min_tick: resolution.contract.minTick,
            lot_size: resolution.contract.lotSize,
            long_name: resolution.contract.longName,
            industry: resolution.contract.industry,
            category: resolution.contract.category,
            time_zone_id: resolution.contract.timeZoneId,
            trading_hours: resolution.contract.tradingHours,
            liquid_hours: resolution.contract.liquidHours,
            error: null,
          }
        : {
            ...base,
            status: 'unresolved',
            con_id: null,
            exchange: '',
            primary_exchange: '',
            multiplier: 1,
            min_tick: 0.01,
            lot_size: 1,
            long_name: '',
            industry: '',
            category: '',
            time_zone_id: '',
            trading_hours: '',
            liquid_hours: '',
            error: resolution.reason,
          };
    const { symbol: _s, currency: _c, ...update } = values;
    await this.db
      .insertInto('ib_contract_cache')
      .values(values)
      .onConflict((oc) => oc.columns(['symbol', 'currency']).doUpdateSet(update))
      .execute();
  }

  /** The whole cache as JSON, replaced atomically. */
  async writeSnapshot(): Promise<string> {
    const rows = await this.db.selectFrom('ib_contract_cache').selectAll().orderBy('symbol').execute();
    const folder = path.join(this.dataRoot, 'ib', 'contracts');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'contracts.json');
    const body = {
      source: 'ib',
      writtenAt: new Date(this.clock.nowMs()).toISOString(),
      contracts: rows.map((r) => ({ ...r, con_id: r.con_id === null ? null : Number(r.con_id) })),
    };
    writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    return file;
  }
}
