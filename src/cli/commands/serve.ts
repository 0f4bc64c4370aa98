import { ADMIN_USERNAME, startApp } from '../../server/index.js';
import { bootstrapFrom, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

export function registerServeCommand(program: Command): void {
  withCommonFlags(
    program
      .command('serve')
      .description('run the HTTP API, the web UI, the scheduler and the trading engine')
      .option('--host <address>', 'listen address (default: LISTEN_HOST or 127.0.0.1)')
      .option('--port <port>', 'listen port (default: LISTEN_PORT or 8787)', parse.int(0, 65535)),
  ).action(async (flags: { host?: string; port?: number; dataRoot?: string; config?: string }) => {
    // Validate everything up front so a bad setting exits 2 before anything starts.
    bootstrapFrom(flags);
    const app = await startApp({
      configFile: flags.config,
      dataRoot: flags.dataRoot,
      host: flags.host,
      port: flags.port,
    });
    const lines = [
      '',
      `  ibloop is running: ${app.url}`,
      `  data: ${app.ctx.bootstrap.dataRoot} (${app.ctx.store.engine})`,
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
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
