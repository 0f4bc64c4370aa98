import { z } from 'zod';
import { untilAborted } from '../../core/abort.js';
import type { Clock } from '../../core/clock.js';
import type { AlphaBars } from './bars.js';
import { ALPHA_CSV_COLUMNS, AlphaCsvError, parseAlphaCsv } from './csv.js';
import { SYMBOL_PATTERN } from './store.js';

/**
 * Alpha Vantage client for TIME_SERIES_DAILY_ADJUSTED (CSV or JSON).
 *
 * Limits (checked November 2026 against public notes): the free tier allows 5 requests per minute and
 * 25 per day (it was 500 per day before 2024), and Alpha Vantage has moved DAILY_ADJUSTED to its
 * premium plans; both limits are settings here. Over the limit, the API answers HTTP 200 with a JSON
 * body holding a "Note" or "Information" text instead of data; that is retried with backoff, while a
 * premium-only notice or an "Error Message" (unknown symbol, bad key) fails at once.
 *
 * The API key goes only into the request URL, never into errors, logs or progress events.
 */
export const alphaVantageOptionsSchema = z.object({
  apiKey: z.string().min(1, 'must not be empty'),
  baseUrl: z.url().default('https://www.alphavantage.co/query'),
  requestsPerMinute: z.number().int().min(1).default(5),
  requestsPerDay: z.number().int().min(1).default(25),
  maxRetries: z.number().int().min(0).max(10).default(4),
  /** First retry waits this long; each further retry doubles it. */
  backoffMs: z.number().int().min(0).default(15_000),
  timeoutMs: z.number().int().min(1).default(60_000),
  outputSize: z.enum(['compact', 'full']).default('full'),
  dataType: z.enum(['csv', 'json']).default('csv'),
});
export type AlphaVantageOptions = z.input<typeof alphaVantageOptionsSchema>;

export interface FetchProgress {
  symbol: string;
  done: number;
  total: number;
  /** What happens now: a request, a wait for the rate limit or before a retry, a finished symbol. */
  event: 'request' | 'rate-wait' | 'retry-wait' | 'done' | 'failed';
  waitMs?: number;
  message?: string;
}

export class AlphaVantageError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'AlphaVantageError';
  }
}

export interface AlphaVantageDeps {
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

export class AlphaVantageClient {
  private readonly options: z.infer<typeof alphaVantageOptionsSchema>;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchImpl: typeof fetch;
  private readonly sent: number[] = [];

  constructor(
    options: AlphaVantageOptions,
    private readonly deps: AlphaVantageDeps,
  ) {
    this.options = alphaVantageOptionsSchema.parse(options);
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetchImpl = deps.fetch ?? fetch;
  }

  /** Requests made in the last 24 hours (by this client). */
  requestsToday(): number {
    const now = this.deps.clock.nowMs();
    return this.sent.filter((at) => at > now - DAY).length;
  }

  /** Waits until one more request fits the per-minute limit; fails if the daily budget is spent. */
  private async takeSlot(onWait: (ms: number) => void, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.deps.clock.nowMs();
      while (this.sent.length > 0 && this.sent[0]! <= now - DAY) this.sent.shift();
      if (this.sent.length >= this.options.requestsPerDay) {
        throw new AlphaVantageError(
          `daily request limit reached (${this.options.requestsPerDay} per day); try again later or raise requestsPerDay for a premium key`,
          false,
        );
      }
      const lastMinute = this.sent.filter((at) => at > now - MINUTE);
      if (lastMinute.length < this.options.requestsPerMinute) {
        this.sent.push(now);
        return;
      }
      const waitMs = lastMinute[0]! + MINUTE - now;
      onWait(waitMs);
      await this.pause(waitMs, signal);
    }
  }

  /** Sleeps, but gives up at once (throwing the abort reason) when the signal is aborted. */
  private pause(ms: number, signal?: AbortSignal): Promise<void> {
    return untilAborted(this.sleep(ms), signal);
  }

  private url(symbol: string): string {
    const url = new URL(this.options.baseUrl);
    url.searchParams.set('function', 'TIME_SERIES_DAILY_ADJUSTED');
    url.searchParams.set('symbol', symbol);
    url.searchParams.set('outputsize', this.options.outputSize);
    url.searchParams.set('datatype', this.options.dataType);
    url.searchParams.set('apikey', this.options.apiKey);
    return url.toString();
  }

  /** One symbol's daily adjusted history, validated like an imported file. */
  async fetchDailyAdjusted(
    symbol: string,
    onProgress?: (progress: FetchProgress) => void,
    signal?: AbortSignal,
  ): Promise<AlphaBars> {
    const upper = symbol.toUpperCase();
    if (!SYMBOL_PATTERN.test(upper))
      throw new AlphaVantageError(`symbol: "${symbol}" is not a valid symbol`, false);
    const report = (event: FetchProgress['event'], extra: Partial<FetchProgress> = {}) =>
      onProgress?.({ symbol: upper, done: 0, total: 1, event, ...extra });
    let attempt = 0;
    for (;;) {
      await this.takeSlot((waitMs) => report('rate-wait', { waitMs }), signal);
      report('request');
      try {
        const body = await this.request(upper, signal);
        return this.parseBody(upper, body);
      } catch (error) {
        // Stopped by the caller: not a failure of this symbol, and never retried.
        if (signal?.aborted) throw signal.reason;
        const failure =
          error instanceof AlphaVantageError
            ? error
            : new AlphaVantageError(describe(error), !(error instanceof AlphaCsvError));
        if (!failure.retryable || attempt >= this.options.maxRetries) throw failure;
        const waitMs = this.options.backoffMs * 2 ** attempt;
        attempt++;
        report('retry-wait', { waitMs, message: failure.message });
        await this.pause(waitMs, signal);
      }
    }
  }

  /**
   * Several symbols in order; a failed symbol is reported and the rest go on. An aborted signal
   * stops the run between (or during) requests by throwing its reason.
   */
  async fetchMany(
    symbols: readonly string[],
    onProgress?: (progress: FetchProgress) => void,
    signal?: AbortSignal,
  ): Promise<{ bars: AlphaBars[]; failed: { symbol: string; error: string }[] }> {
    const bars: AlphaBars[] = [];
    const failed: { symbol: string; error: string }[] = [];
    let done = 0;
    for (const [position, symbol] of symbols.entries()) {
      signal?.throwIfAborted();
      const forward = (progress: FetchProgress) => onProgress?.({ ...progress, done, total: symbols.length });
      try {
        bars.push(await this.fetchDailyAdjusted(symbol, forward, signal));
        done++;
        forward({ symbol, done, total: symbols.length, event: 'done' });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const message = describe(error);
        failed.push({ symbol, error: message });
        done++;
        forward({ symbol, done, total: symbols.length, event: 'failed', message });
        // Without a daily budget no further request can succeed.
        if (error instanceof AlphaVantageError && message.startsWith('daily request limit')) {
          for (const rest of symbols.slice(position + 1)) failed.push({ symbol: rest, error: message });
          break;
        }
      }
    }
    return { bars, failed };
  }

  private async request(symbol: string, stop?: AbortSignal): Promise<string> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const signal = stop ? AbortSignal.any([controller.signal, stop]) : controller.signal;
    try {
      const response = await this.fetchImpl(this.url(symbol), { signal });
      const body = await response.text();
      if (response.status === 429 || response.status >= 500) {
        throw new AlphaVantageError(`${symbol}: HTTP ${response.status}`, true);
      }
      if (!response.ok) throw new AlphaVantageError(`${symbol}: HTTP ${response.status}`, false);
      return body;
    } catch (error) {
      if (error instanceof AlphaVantageError) throw error;
      // Network errors and timeouts: the message never contains the URL (and so never the key).
      throw new AlphaVantageError(
        `${symbol}: request failed (${error instanceof Error ? error.name : 'error'})`,
        true,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private parseBody(symbol: string, body: string): AlphaBars {
    const trimmed = body.trimStart();
    if (trimmed.startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(trimmed);
      } catch {
        throw new AlphaVantageError(`${symbol}: response is neither CSV nor valid JSON`, true);
      }
      const notice = noticeOf(json);
      if (notice) {
        if (notice.kind === 'error') throw new AlphaVantageError(`${symbol}: ${notice.text}`, false);
        const premium =
          /premium/i.test(notice.text) && !/frequency|per minute|per day|rate limit/i.test(notice.text);
        throw new AlphaVantageError(`${symbol}: ${notice.text}`, !premium);
      }
      return parseAlphaCsv(jsonToCsv(json, symbol), `${symbol} (Alpha Vantage JSON)`, symbol);
    }
    return parseAlphaCsv(body, `${symbol} (Alpha Vantage CSV)`, symbol);
  }
}

function noticeOf(json: unknown): { kind: 'error' | 'notice'; text: string } | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  if (typeof record['Error Message'] === 'string') return { kind: 'error', text: record['Error Message'] };
  for (const key of ['Note', 'Information']) {
    if (typeof record[key] === 'string') return { kind: 'notice', text: record[key] };
  }
  return undefined;
}

const JSON_FIELDS = [
  '1. open',
  '2. high',
  '3. low',
  '4. close',
  '5. adjusted close',
  '6. volume',
  '7. dividend amount',
  '8. split coefficient',
] as const;

/** Alpha Vantage's JSON time series, rewritten as its CSV so one validator serves both formats. */
export function jsonToCsv(json: unknown, symbol: string): string {
  const series = (json as Record<string, unknown>)['Time Series (Daily)'];
  if (typeof series !== 'object' || series === null) {
    throw new AlphaVantageError(`${symbol}: JSON response has no "Time Series (Daily)"`, false);
  }
  const lines = [ALPHA_CSV_COLUMNS.join(',')];
  for (const [day, values] of Object.entries(series as Record<string, unknown>)) {
    const row = values as Record<string, unknown>;
    lines.push([day, ...JSON_FIELDS.map((field) => String(row?.[field] ?? ''))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
