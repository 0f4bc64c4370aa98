import { seedDemo } from '../../demo/index.js';
import {
  ADMIN_USERNAME,
  BUILT_IN_SEED,
  type RunningApp,
  startApp,
  stopOnSignals,
} from '../../server/index.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

export function registerServeCommand(program: Command): void {
  withCommonFlags(
    program
      .command('serve')
      .description('run the HTTP API, the web UI, the scheduler and the trading engine')
      .option('--host <address>', 'listen address (default: LISTEN_HOST or 127.0.0.1)')
      .option('--port <port>', 'listen port (default: LISTEN_PORT or 8787)', parse.int(0, 65535))
      .option('--no-trading', 'serve the UI and API only: no IB connection, no execution engine')
      .option(
        '--no-builtin-gateway',
        'never start the built-in paper gateway, even when no IB gateway is configured',
      )
      .option(
        '--demo',
        'make sure the demo project exists (theme, research data, model, backtest) before serving',
      ),
  ).action(
    async (flags: {
      host?: string;
      port?: number;
      dataRoot?: string;
      config?: string;
      trading: boolean;
      builtinGateway: boolean;
      demo?: boolean;
    }) => {
      // Validate everything up front so a bad setting exits 2 before anything starts.
      bootstrapFrom(flags);
      const app = await startApp({
        configFile: flags.config,
        dataRoot: flags.dataRoot,
        host: flags.host,
        port: flags.port,
        trading: { enabled: flags.trading, builtInGateway: flags.builtinGateway ? 'auto' : 'off' },
      });
      if (flags.demo) {
        process.stdout.write(
          '  preparing the demo project (first run only: research data, model, backtest)...\n',
        );
        const report = await seedDemo(app.ctx, { seed: BUILT_IN_SEED });
        process.stdout.write(`  demo project ready (${report.changed ? 'created now' : 'already there'})\n`);
        process.stdout.write(
          "  note: the demo's prices are SYNTHETIC (generated for real tickers, not market data)\n",
        );
      }
      const lines = [
        '',
        `  ibloop is running: ${app.url}`,
        `  data: ${app.ctx.bootstrap.dataRoot} (${app.ctx.store.engine})`,
        `  IB: ${describeTrading(app)}`,
      ];
      if (app.generatedAdminPassword) {
        lines.push(
          `  log in as "${ADMIN_USERNAME}" with the generated password: ${app.generatedAdminPassword}`,
          '  (shown once; change it with `ibloop admin set-password`)',
        );
      } else {
        lines.push(
          `  log in as "${ADMIN_USERNAME}" with the password set on first run (IBLOOP_ADMIN_PASSWORD or the one printed then);`,
          '  forgot it? `ibloop admin set-password`',
        );
      }
      process.stdout.write(`${lines.join('\n')}\n\n`);
      stopOnSignals(app, {
        onError: (error) =>
          process.stderr.write(
            `error: shutdown: ${error instanceof Error ? error.message : String(error)}\n`,
          ),
      });
    },
  );
}

function describeTrading(app: RunningApp): string {
  const ib = app.trading.ib;
  if (!ib) return 'not connected (trading off, or no gateway configured)';
  const { host, port } = ib.settings;
  if (app.trading.usesBuiltInGateway) {
    return `built-in paper gateway on ${host}:${port}, synthetic prices (no IB account needed; configure a real gateway in the UI)`;
  }
  return `IB Gateway / TWS at ${host}:${port}, ${ib.settings.mode} mode`;
}
