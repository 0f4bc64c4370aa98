import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AppContext, openAppContext } from '../app/context.js';
import { type BootstrapOptions, loadBootstrapConfig } from '../config/index.js';
import type { Clock } from '../core/clock.js';
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
  close(): Promise<void>;
}

export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const env = options.env ?? process.env;
  const overrides: BootstrapOptions['overrides'] = {};
  if (options.dataRoot !== undefined) overrides.DATA_ROOT = options.dataRoot;
  if (options.host !== undefined) overrides.LISTEN_HOST = options.host;
  if (options.port !== undefined) overrides.LISTEN_PORT = String(options.port);
  const bootstrap = loadBootstrapConfig({ env, configFile: options.configFile, overrides });
  const ctx = await openAppContext(bootstrap, {
    ...(options.clock ? { clock: options.clock } : {}),
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
    ctx.audit.onAppend((record) => hub.publish('audit.appended', { id: record.id, action: record.action }));
    ctx.settings.onChange((keys) => {
      hub.publish('settings.changed', { keys });
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
      ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
    });
    await server.listen({ host: bootstrap.listenHost, port: bootstrap.listenPort });
    await trading.start();
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
      close: async () => {
        await server.close();
        await trading.close();
        await ctx.close();
      },
    };
  } catch (error) {
    await ctx.close();
    throw error;
  }
}
