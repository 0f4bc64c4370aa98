import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AlertService, startAlerts } from '../alerts/index.js';
import { type AppContext, openAppContext } from '../app/context.js';
import { type BootstrapOptions, loadBootstrapConfig } from '../config/index.js';
import type { AuditAppendedEvent, SettingsChangedEvent } from '../contract/events.js';
import type { Clock } from '../core/clock.js';
import { createMetrics, startMetricsServer, watchReconciliations } from '../ops/index.js';
import { type App, buildServer, type ServerDeps } from './app.js';
import { Accounts } from './auth/accounts.js';
import { EventHub } from './event-hub.js';
import { type ConnectionView, tradingStatusFrom } from './trading-status.js';
import { TradingSupervisor, type TradingSupervisorOptions } from './trading-supervisor.js';

/** The built web app, next to the compiled server (dist/) or the sources (src/). */
export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  configFile?: string | undefined;
  /** Command-line or test overrides of bootstrap settings. */
  dataRoot?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  webRoot?: string;
  clock?: Clock;
  logSink?: (line: string) => void;
  loginRateLimit?: ServerDeps['loginRateLimit'];
  /** The trading side (IB connection, built-in paper gateway, execution); off unless asked for. */
  trading?: TradingSupervisorOptions;
}

export interface RunningApp {
  url: string;
  /** Set only when the admin user was created now with a generated password: print it once. */
  generatedAdminPassword: string | undefined;
  /** The admin password when the caller supplied it (tests); never read back from storage. */
  adminPassword: string | undefined;
  ctx: AppContext;
  hub: EventHub;
  server: App;
  trading: TradingSupervisor;
  /** The alert outbox's delivery worker (every replica runs one; the claim holder sends). */
  alerts: AlertService;
  /** The loopback Prometheus port when METRICS_PORT is set. */
  metricsPort: number | undefined;
  close(): Promise<void>;
}

/** Longest a signal-driven shutdown may take before the process exits regardless. */
export const SHUTDOWN_DEADLINE_MS = 9_000;

/**
 * Ends the process cleanly on SIGTERM/SIGINT: jobs cancelled and marked so, requests finished, the
 * database closed. Work that ignores its cancel signal can't hold the process past the deadline; its
 * row is already final, and the job runner fails any row left active by a dead process.
 */
export function stopOnSignals(
  app: RunningApp,
  options: { deadlineMs?: number; onError?: (error: unknown) => void } = {},
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.ctx.logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      app.ctx.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, options.deadlineMs ?? SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        options.onError?.(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function cancelLocalJobs(ctx: AppContext): Promise<void> {
  const ids = ctx.jobs.localJobIds();
  await Promise.allSettled(
    ids.map((id) =>
      ctx.jobs.cancel(id, 'system (shutdown)').catch((error: unknown) => {
        // Already finished meanwhile: nothing to do.
        ctx.logger.debug({ err: error, job: id }, 'job not cancelled at shutdown');
      }),
    ),
  );
}

export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const overrides: BootstrapOptions['overrides'] = {};
  if (options.dataRoot !== undefined) overrides.DATA_ROOT = options.dataRoot;
  if (options.host !== undefined) overrides.LISTEN_HOST = options.host;
  if (options.port !== undefined) overrides.LISTEN_PORT = String(options.port);
  const bootstrap = loadBootstrapConfig({ env, configFile: options.configFile, overrides });
  // The built-in gateway's own clock (the demo's stepped clock) is the app's clock too.
  const clock = options.clock ?? options.trading?.simClock;
  const ctx = await openAppContext(bootstrap, {
    ...(clock ? { clock } : {}),
    ...(options.logSink ? { logSink: options.logSink } : {}),
  });
  try {
    const accounts = new Accounts(ctx.store.db, ctx.audit, ctx.clock);
    const admin = await accounts.ensureAdmin(env.IBLOOP_ADMIN_PASSWORD || undefined);
    const hub = new EventHub();
    const trading = new TradingSupervisor(
      ctx,
      hub,
      options.trading ?? { enabled: false, builtInGateway: 'off' },
    );
    const probe = (): ConnectionView | undefined => {
      const status = trading.ib?.status();
      return (
        status && {
          tradable: status.tradable,
          account: status.account,
          builtInGateway: status.builtInGateway,
        }
      );
    };
    const publishTradingStatus = () => {
      ctx.settings
        .resolve()
        .then((resolved) => hub.publish('trading.status', tradingStatusFrom(resolved, probe)))
        .catch((error: unknown) => ctx.logger.error({ err: error }, 'could not publish trading status'));
    };
    ctx.audit.onAppend((record) =>
      hub.publish('audit.appended', { id: record.id, action: record.action } satisfies AuditAppendedEvent),
    );
    ctx.settings.onChange((keys) => {
      hub.publish('settings.changed', { keys } satisfies SettingsChangedEvent);
      publishTradingStatus();
    });
    // The badge follows the connection: re-publish whenever the IB status changes.
    let lastBadge = '';
    hub.subscribe((event) => {
      if (event.name !== 'ib.status') return;
      const view = probe();
      const key = JSON.stringify(view);
      if (key !== lastBadge) {
        lastBadge = key;
        publishTradingStatus();
      }
    });
    const server = await buildServer({
      ctx,
      accounts,
      hub,
      connectionProbe: probe,
      get ib() {
        return trading.ib;
      },
      get execution() {
        const runtime = trading.execution;
        return runtime && { engine: runtime.engine, service: runtime.service };
      },
      webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
      secureCookies: bootstrap.secureCookies,
      publicHostnames: bootstrap.publicHostnames,
      trustProxy: bootstrap.trustProxy,
      ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
    });
    await server.listen({ host: bootstrap.listenHost, port: bootstrap.listenPort });
    await trading.start();
    const alerts = startAlerts(ctx);
    const offReconcileAlerts = watchReconciliations(ctx, ctx.logger);
    const metricsPort = (await ctx.settings.resolve()).METRICS_PORT.value;
    const metricsServer =
      metricsPort === undefined
        ? undefined
        : await startMetricsServer(
            createMetrics({
              db: ctx.store.db,
              clock: ctx.clock,
              connection: () => trading.ib?.brokerage.connection.state() ?? null,
              leaseHeld: () => trading.execution?.lease.isHeld() ?? null,
            }),
            Number(metricsPort),
          );
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : bootstrap.listenPort;
    const host = bootstrap.listenHost.includes(':') ? `[${bootstrap.listenHost}]` : bootstrap.listenHost;
    return {
      url: `http://${host}:${port}`,
      generatedAdminPassword: admin.generatedPassword,
      adminPassword: admin.generatedPassword ?? (env.IBLOOP_ADMIN_PASSWORD || undefined),
      ctx,
      hub,
      server,
      trading,
      alerts,
      metricsPort: metricsServer?.port,
      close: async () => {
        // Stop taking requests first (new ones get 503, event streams end), then stop this
        // process's jobs at their next checkpoint so in-flight requests waiting on them finish too.
        const serverClosed = server.close();
        await cancelLocalJobs(ctx);
        await serverClosed;
        offReconcileAlerts();
        await metricsServer?.close();
        await alerts.stop();
        await trading.close();
        await ctx.close();
      },
    };
  } catch (error) {
    await ctx.close();
    throw error;
  }
}
