import {
  formatStatus,
  planService,
  renderService,
  ServicePathError,
  serviceInstructions,
  serviceStatus,
  writeServiceFiles,
} from '../../ops/index.js';
import { UsageError } from '../common.js';
import type { Command } from '../program.js';

interface InstallFlags {
  user?: boolean;
  dryRun?: boolean;
  ibcPath?: string;
  gatewayPath?: string;
  ibcIni?: string;
  environmentFile?: string;
  dataRoot?: string;
}

export function registerServiceCommands(program: Command): void {
  const service = program
    .command('service')
    .description('run ibloop and IB Gateway as systemd user services');
  service
    .command('install')
    .description(
      'write systemd user units (ib-gateway.service, ibloop.service, a daily ibloop-backup.timer) to ~/.config/systemd/user and an owner-only environment file',
    )
    .option('--user', 'install user units (the default and only mode: no root needed)')
    .option('--dry-run', 'print each file and its content instead of writing')
    .option('--ibc-path <dir>', 'IBC install folder, with scripts/ibcstart.sh (default /opt/ibc)')
    .option(
      '--gateway-path <dir>',
      'IB Gateway install folder ending in its version (default ~/Jts/ibgateway/1030)',
    )
    .option('--ibc-ini <file>', "IBC's config.ini, which holds the IB login (default ~/ibc/config.ini)")
    .option(
      '--environment-file <file>',
      'environment file for the units (default ~/.config/ibloop/ibloop.env; not --env-file, which Node 20 takes for itself)',
    )
    .option('--data-root <dir>', 'DATA_ROOT for the service (default ~/.local/share/ibloop)')
    .action((flags: InstallFlags) => {
      let files: ReturnType<typeof renderService>;
      try {
        const plan = planService(
          { ...flags, envFile: flags.environmentFile },
          {
            mustExist: !flags.dryRun,
            configHome: process.env.XDG_CONFIG_HOME,
          },
        );
        files = renderService(plan);
      } catch (error) {
        if (error instanceof ServicePathError) throw new UsageError(error.message);
        throw error;
      }
      const out = writeServiceFiles(files, { dryRun: flags.dryRun === true });
      process.stdout.write(`${out.join('\n')}\n\n${serviceInstructions()}\n`);
    });
  service
    .command('status')
    .description('show the state of the ibloop, ib-gateway and backup units (systemctl --user show)')
    .action(() => {
      const result = serviceStatus();
      if (!result.ok) {
        process.stderr.write(`error: ${result.message}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`${formatStatus(result.units)}\n`);
    });
}
