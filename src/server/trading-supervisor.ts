import { createServer } from 'node:net';
import { join } from 'node:path';
import { type IbConnectionAlerts, watchIbConnection } from '../alerts/index.js';
import type { AppContext } from '../app/context.js';
import { preTradeOptions } from '../app/pretrade.js';
import type { ResolvedSettings, SettingKey } from '../config/index.js';
import { systemClock } from '../core/clock.js';
import { type ExecutionRuntime, type QuoteSnapshot, startExecutionRuntime } from '../execution/index.js';
import type { IbQuote } from '../marketdata/index.js';
import { createIbRuntime, type IbRuntime, type IbStatus } from '../marketdata/runtime.js';
import { restartWindowsFromSettings } from '../ops/index.js';
import type { RiskMonitor } from '../risk/index.js';
import { type SimClock, type SimGatewayHandle, startStandaloneSim } from '../sim/index.js';
import { type PipelineHandle, startPipeline } from './pipeline-wiring.js';
import { createRiskMonitor } from './risk-monitor.js';
import { holderIbStatus, type ReplicaIbStatus } from './trading-status.js';

/** The built-in paper gateway's account and seed; the demo's research data uses the same seed. */
export const BUILT_IN_ACCOUNT = 'DU1234567';
export const BUILT_IN_SEED = 1;
/**
 * The message rate between the server and its own built-in gateway on the demo's stepped clock: that
 * gateway is not IB (it is started with this limit, and nothing else connects to it), and weeks pass
 * there in seconds, where IB's 50 messages/s made every historical request and order of a week
 * queue behind each other. A real IB connection always keeps the adapter's IB pacing.
 */
export const DEMO_CLOCK_MESSAGES_PER_SECOND = 1_000;

/** Where the built-in paper gateway keeps its account between runs. */
export function builtInStatePath(dataRoot: string): string {
  return join(dataRoot, 'sim', 'paper-account.json');
}

export interface TradingSupervisorOptions {
  /**
   * 'auto': start the built-in paper gateway in-process when no real gateway is configured (no
   * IB_ACCOUNT and IB_HOST/IB_PORT at their defaults). 'off': never (tests, and servers that must
   * not trade).
   */
  builtInGateway: 'auto' | 'off';
  /** Connect to IB and run the execution engine at all. */
  enabled: boolean;
  /**
   * The built-in gateway's clock when the caller drives it (the demo's stepped clock). The app context
   * must run on the same clock (startApp does that), so the scheduler, the pipeline and the calendar
   * see the gateway's time; the execution lease keeps the wall clock.
   */
  simClock?: SimClock;
}

const IB_KEYS: readonly SettingKey[] = ['IB_HOST', 'IB_PORT', 'IB_CLIENT_ID', 'IB_ACCOUNT', 'IB_MODE'];

/** How often a replica without the lease reads the trading replica's IB status from the database. */
const HOLDER_STATUS_EVERY_MS = 1_000;

/**
 * Owns the trading side of a server process: the built-in paper gateway (when used), the IB runtime
 * and the execution runtime. Restarts them when the IB settings change, one restart at a time.
 */
export class TradingSupervisor {
  ib: IbRuntime | undefined;
  execution: ExecutionRuntime | undefined;
  /** The intraday risk monitor: acts only while this replica holds the lease. */
  risk: RiskMonitor | undefined;
  /** The weekly pipeline and its scheduler: they run steps only while this replica holds the lease. */
  pipeline: PipelineHandle | undefined;
  private sim: SimGatewayHandle | undefined;
  private ibAlerts: IbConnectionAlerts | undefined;
  /** The lease holder's IB status (from the database) while this replica does not hold the lease. */
  private holderStatus: ReplicaIbStatus | null = null;
  private holderTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly hub: { publish(name: string, data: unknown): void },
    private readonly options: TradingSupervisorOptions,
  ) {}

  start(): Promise<void> {
    if (!this.options.enabled) return Promise.resolve();
    const offSettings = this.ctx.settings.onChange((keys) => {
      if (keys.some((k) => IB_KEYS.includes(k))) void this.enqueue(() => this.restart());
    });
    // A new or changed project or theme changes which symbols need live quotes.
    const offAudit = this.ctx.audit.onAppend((record) => {
      if (!/^(project|theme)\./.test(record.action)) return;
      void this.enqueue(async () => {
        if (this.ib) await this.streamProjectQuotes(this.ib);
      });
    });
    this.unsubscribe = () => {
      offSettings();
      offAudit();
    };
    return this.enqueue(() => this.restart());
  }

  get usesBuiltInGateway(): boolean {
    return this.sim !== undefined;
  }

  /** The built-in paper gateway (its order log and clock), for the demo and the tests. */
  get builtInGateway(): SimGatewayHandle | undefined {
    return this.sim;
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await this.enqueue(() => this.stopAll());
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.ctx.logger.error({ err: error }, 'trading runtime: restart failed');
    });
    return this.chain;
  }

  private async restart(): Promise<void> {
    await this.stopAll();
    const settings = await this.ctx.settings.resolve();
    const external = isExternalGatewayConfigured(settings);
    if (!external && this.options.builtInGateway === 'off') return;
    let host = String(settings.IB_HOST.value);
    let port = Number(settings.IB_PORT.value);
    let account = settings.IB_ACCOUNT.value === undefined ? undefined : String(settings.IB_ACCOUNT.value);
    const mode = settings.IB_MODE.value === 'live' ? 'live' : 'paper';
    if (!external) {
      this.sim = await startStandaloneSim({
        host: '127.0.0.1',
        port: (await isPortFree(port)) ? port : 0,
        controlPort: null,
        account: BUILT_IN_ACCOUNT,
        seed: BUILT_IN_SEED,
        // The paper account outlives the process and settings changes: cash, positions, working orders.
        statePath: builtInStatePath(this.ctx.bootstrap.dataRoot),
        // Weeks pass in seconds on the demo's clock: IB's historical pacing (60 requests per 10 wall
        // minutes) would hold every weekly bars check for minutes, so this gateway does not emulate it.
        // For the same reason its connection is not held to IB's 50 messages/s (see below).
        ...(this.options.simClock
          ? {
              clock: this.options.simClock,
              pacing: { enabled: false },
              maxMessagesPerSecond: DEMO_CLOCK_MESSAGES_PER_SECOND,
            }
          : {}),
      });
      host = '127.0.0.1';
      port = this.sim.port;
      account = BUILT_IN_ACCOUNT;
      this.ctx.logger.info({ port }, 'built-in paper gateway started');
    }
    const own = createIbRuntime({
      ctx: this.ctx,
      // Its periodic and change-driven 'ib.status' events carry what this replica shows.
      hub: {
        publish: (name, data) => this.hub.publish(name, name === 'ib.status' ? this.shownStatus(own) : data),
      },
      settings: {
        host,
        port,
        clientId: Number(settings.IB_CLIENT_ID.value),
        mode,
        account,
        builtInGateway: !external,
        ...(!external && this.options.simClock
          ? { builtInGatewayMessagesPerSecond: DEMO_CLOCK_MESSAGES_PER_SECOND }
          : {}),
        connect: false,
      },
    });
    this.ib = { ...own, status: () => this.shownStatus(own) };
    this.ibAlerts = await watchIbConnection(
      this.ctx,
      this.ib.brokerage.connection,
      { host, port },
      restartWindowsFromSettings(settings),
    );
    await this.streamProjectQuotes(this.ib);
    const quotes = this.ib.quotes;
    this.execution = await startExecutionRuntime({
      store: this.ctx.store,
      audit: this.ctx.audit,
      clock: this.ctx.clock,
      ...(this.options.simClock ? { leaseClock: systemClock } : {}),
      brokerage: this.ib.brokerage,
      mode,
      contractCache: this.ib.contracts,
      liveQuote: (symbol) => sizingQuote(quotes.freshQuote(symbol)),
      preTrade: preTradeOptions(this.ctx),
      // Orders to the built-in gateway on the demo clock: not IB, so not IB's 50 messages/s either.
      ...(!external && this.options.simClock ? { maxOrdersPerSecond: DEMO_CLOCK_MESSAGES_PER_SECOND } : {}),
      // Only the lease holder connects with the fixed trading client id; the others serve the UI.
      manageConnection: true,
      ...(account ? { account } : {}),
      logger: {
        info: (obj, msg) => this.ctx.logger.info(obj, msg),
        warn: (obj, msg) => this.ctx.logger.warn(obj, msg),
        error: (obj, msg) => this.ctx.logger.error(obj, msg),
      },
    });
    this.risk = createRiskMonitor({ ctx: this.ctx, hub: this.hub, ib: this.ib, execution: this.execution });
    this.risk.start();
    const simClock = this.options.simClock;
    this.pipeline = startPipeline({
      ctx: this.ctx,
      ib: this.ib,
      execution: this.execution,
      ...(simClock
        ? {
            unpacedHistory: true,
            // A week's fills come within a second of wall time there; a 200 ms look added up over weeks.
            monitorPollMs: 50,
            clockJumps: (listener: () => void) => simClock.onChange(listener),
          }
        : {}),
    });
    this.followHolderStatus();
  }

  /**
   * Replicas behind one address: only the lease holder is connected to IB. The others show the
   * holder's IB status and badge, read from the database, so that the badge does not depend on
   * which replica answers.
   */
  private followHolderStatus(): void {
    const refresh = async () => {
      const lease = this.execution?.lease;
      this.holderStatus =
        lease && !lease.isHeld() ? await holderIbStatus(this.ctx.store.db, this.ctx.clock) : null;
    };
    const tick = () => {
      refresh().catch((error: unknown) =>
        this.ctx.logger.warn({ err: error }, "could not read the trading replica's IB status"),
      );
    };
    this.holderTimer = setInterval(tick, HOLDER_STATUS_EVERY_MS);
    this.holderTimer.unref();
    tick();
  }

  private shownStatus(own: IbRuntime): IbStatus {
    const mine = own.status();
    const holder = this.holderStatus;
    if (!holder || this.execution?.lease.isHeld() !== false) return mine;
    return { ...mine, ...holder };
  }

  /** Quotes for every project's universe, so prices are live before a rebalance needs them. */
  private async streamProjectQuotes(ib: IbRuntime): Promise<void> {
    const symbols = new Set<string>();
    for (const project of await this.ctx.projects.list()) {
      for (const member of await this.ctx.projects.universe(project.id)) symbols.add(member.symbol);
    }
    if (symbols.size > 0) ib.quotes.setUniverse([...symbols].sort());
  }

  private async stopAll(): Promise<void> {
    const execution = this.execution;
    const ib = this.ib;
    const sim = this.sim;
    const risk = this.risk;
    this.risk = undefined;
    const pipeline = this.pipeline;
    this.pipeline = undefined;
    // The scheduler stops first: no new step starts on a runtime that is going away.
    await pipeline?.stop();
    this.execution = undefined;
    this.ib = undefined;
    this.sim = undefined;
    clearInterval(this.holderTimer);
    this.holderTimer = undefined;
    this.holderStatus = null;
    // A deliberate stop is not a disconnect: stop watching first.
    this.ibAlerts?.close();
    this.ibAlerts = undefined;
    await risk?.stop();
    await execution?.stop();
    await ib?.close();
    await sim?.close();
  }
}

/** A streamed quote in the shape sizing reads (absent fields instead of nulls). */
function sizingQuote(quote: IbQuote | undefined): QuoteSnapshot | undefined {
  if (!quote) return undefined;
  const snapshot: QuoteSnapshot = { symbol: quote.symbol, timeMs: quote.timeMs };
  if (quote.bid !== null) snapshot.bid = quote.bid;
  if (quote.ask !== null) snapshot.ask = quote.ask;
  if (quote.last !== null) snapshot.last = quote.last;
  return snapshot;
}

/** A real gateway is configured when the account is set or host/port were changed from their defaults. */
export function isExternalGatewayConfigured(settings: ResolvedSettings): boolean {
  return (
    settings.IB_ACCOUNT.value !== undefined ||
    settings.IB_HOST.source !== 'default' ||
    settings.IB_PORT.source !== 'default'
  );
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
