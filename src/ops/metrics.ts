/**
 * Prometheus metrics for the monitoring people already run: IB connection state and reconnects,
 * orders by status, fill latency, the alert queue, the execution lease and trading states. Values
 * are read when scraped (the database is the source of truth, so every replica reports the same
 * orders and states); one registry per server, so tests can run several.
 */
import { createServer } from 'node:http';
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionState } from '../brokerage/index.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../store/index.js';

export interface MetricsSource {
  db: Kysely<Database>;
  clock: Clock;
  /** This replica's IB session, or null when it has none. */
  connection(): ConnectionState | null;
  /** Whether this replica holds the execution lease; null when it runs no execution. */
  leaseHeld(): boolean | null;
}

export interface Metrics {
  registry: Registry;
  contentType: string;
  render(): Promise<string>;
}

const STATUSES = ['DISCONNECTED', 'CONNECTING', 'CONNECTED', 'DEGRADED'] as const;
const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
/** Fill latency buckets (seconds): market orders fill in well under a second, limit orders may take hours. */
const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 4 * 3600];
/** On start, fills this recent are observed once; later only new ones. */
const FILL_LOOKBACK_MS = 7 * 24 * 3_600_000;

export function createMetrics(source: MetricsSource): Metrics {
  const registry = new Registry();
  const db = source.db;

  new Gauge({
    name: 'ibloop_ib_connection_state',
    help: "This replica's IB connection state (1 for the current state)",
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = source.connection()?.status ?? 'DISCONNECTED';
      for (const state of STATUSES) this.set({ state }, state === current ? 1 : 0);
    },
  });

  let lastReconnects = 0;
  const reconnects = new Counter({
    name: 'ibloop_ib_reconnects_total',
    help: 'IB reconnections made by this replica',
    registers: [registry],
    collect() {
      const count = source.connection()?.reconnectCount ?? 0;
      // A restarted IB runtime (settings change) counts from zero again.
      const delta = count >= lastReconnects ? count - lastReconnects : count;
      if (delta > 0) reconnects.inc(delta);
      lastReconnects = count;
    },
  });

  new Gauge({
    name: 'ibloop_orders',
    help: 'Orders by status (NEW, SUBMITTED, PARTIAL, FILLED, CANCELED, REJECTED, ...)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('trade_orders')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('status')
        .execute();
      this.reset();
      for (const row of rows) this.set({ status: row.status }, Number(row.count));
    },
  });

  const observed = new Set<string>();
  let sinceIso = new Date(source.clock.nowMs() - FILL_LOOKBACK_MS).toISOString();
  const latency = new Histogram({
    name: 'ibloop_fill_latency_seconds',
    help: 'Time from sending an order to each of its fills',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('trade_fills')
        .innerJoin('trade_orders', 'trade_orders.id', 'trade_fills.order_id')
        .select([
          'trade_fills.exec_id as execId',
          'trade_fills.exec_time as execTime',
          'trade_fills.recorded_at as recordedAt',
          'trade_orders.submitted_at as submittedAt',
        ])
        .where('trade_fills.recorded_at', '>=', sinceIso)
        .execute();
      for (const row of rows) {
        if (observed.has(row.execId)) continue;
        observed.add(row.execId);
        if (row.recordedAt > sinceIso) sinceIso = row.recordedAt;
        const sent = row.submittedAt ? Date.parse(row.submittedAt) : Number.NaN;
        const filled = Number.isFinite(Date.parse(row.execTime))
          ? Date.parse(row.execTime)
          : Date.parse(row.recordedAt);
        if (Number.isFinite(sent) && Number.isFinite(filled))
          latency.observe(Math.max(0, (filled - sent) / 1000));
      }
    },
  });

  new Gauge({
    name: 'ibloop_alert_queue_depth',
    help: 'Alerts stored and not yet delivered',
    registers: [registry],
    async collect() {
      const row = await db
        .selectFrom('alert_outbox')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      this.set(Number(row?.count ?? 0));
    },
  });

  new Gauge({
    name: 'ibloop_lease_held',
    help: 'Whether this replica holds the execution lease (1) or not (0)',
    registers: [registry],
    collect() {
      this.set(source.leaseHeld() ? 1 : 0);
    },
  });

  new Gauge({
    name: 'ibloop_lease_holder',
    help: 'The execution lease holder and its fencing token (1 while the lease is unexpired)',
    labelNames: ['holder', 'token'],
    registers: [registry],
    async collect() {
      const rows = await db.selectFrom('execution_lease').select(['holder', 'token', 'expires_at']).execute();
      const nowIso = new Date(source.clock.nowMs()).toISOString();
      this.reset();
      for (const row of rows) {
        if (row.holder === '') continue;
        this.set({ holder: row.holder, token: String(row.token) }, row.expires_at > nowIso ? 1 : 0);
      }
    },
  });

  new Gauge({
    name: 'ibloop_trading_state',
    help: 'Trading state per scope (account, project:N): 1 for the current state',
    labelNames: ['scope', 'state'],
    registers: [registry],
    async collect() {
      const rows = await db.selectFrom('trading_state').select(['scope', 'state']).execute();
      const states = new Map(rows.map((row) => [row.scope, row.state]));
      // No row: the account was never halted.
      if (!states.has('account')) states.set('account', 'ACTIVE');
      this.reset();
      for (const [scope, current] of states) {
        for (const state of TRADING_STATES) this.set({ scope, state }, state === current ? 1 : 0);
      }
    },
  });

  return { registry, contentType: registry.contentType, render: () => registry.metrics() };
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The loopback-only scrape endpoint (METRICS_PORT): `GET /metrics` without a login, bound to
 * 127.0.0.1 so that only this host (a local Prometheus or its agent) can read it.
 */
export async function startMetricsServer(metrics: Metrics, port: number): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics
      .render()
      .then((body) => res.writeHead(200, { 'content-type': metrics.contentType }).end(body))
      .catch(() => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
