import { Argument } from 'commander';
import { createLogger, SecretScrubber } from '../../core/logger.js';
import {
  faultSchemas,
  MAX_SUPPORTED_VERSION,
  MIN_SUPPORTED_VERSION,
  startStandaloneSim,
} from '../../sim/index.js';
import { type Command, InvalidArgumentError, Option, parse, USAGE_EXIT_CODE } from '../program.js';

const DEFAULT_CONTROL_PORT = 4012;

interface RunFlags {
  host: string;
  port: number;
  controlPort: number;
  noControl?: boolean;
  control: boolean;
  account: string;
  universe?: string;
  seed: number;
  replay?: string;
  speed?: number;
  clock?: 'realtime' | 'accelerated' | 'stepped';
  start?: number;
  state?: string;
  maxVersion: number;
  cash: number;
  tickMs: number;
  lines: number;
  maxRate: number;
  pacing: boolean;
  slippageTicks: number;
  partialProbability: number;
  partialClip: number;
  logLevel: string;
}

function parseAccount(raw: string): string {
  if (!/^DU\d+$/.test(raw)) throw new InvalidArgumentError('paper accounts look like DU1234567');
  return raw;
}

function parseStart(raw: string): number {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`expected an ISO date/time, got "${raw}"`);
  return ms;
}

/** `ibloop sim` (run the paper gateway) and `ibloop sim fault|advance|orders|status` (talk to one). */
export function registerSimCommands(program: Command): void {
  const sim = program
    .command('sim')
    .description("run the built-in paper gateway (speaks IB's TWS socket protocol)")
    .option('--host <address>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'TWS API port', parse.int(0, 65535), 4002)
    .option(
      '--control-port <port>',
      'loopback HTTP control API port',
      parse.int(0, 65535),
      DEFAULT_CONTROL_PORT,
    )
    .option('--no-control', 'do not start the control API')
    .option('--account <id>', 'paper account id', parseAccount, 'DU1234567')
    .option('--universe <file>', 'instrument universe (JSON or CSV)')
    .option('--seed <n>', 'seed of the synthetic market and the fill model', parse.int(0, 2 ** 31 - 1), 1)
    .option('--replay <dir>', 'replay Alpha Vantage-format daily CSVs from this folder')
    .option('--speed <x>', 'sim seconds per wall second (accelerated clock)', parse.number(0.001, 1_000_000))
    .addOption(new Option('--clock <mode>', 'clock mode').choices(['realtime', 'accelerated', 'stepped']))
    .option('--start <iso>', 'sim time at start (default: now)', parseStart)
    .option('--state <file>', 'persist account, orders and executions here (atomic writes)')
    .option(
      '--max-version <n>',
      `highest server version to negotiate (${MIN_SUPPORTED_VERSION}..${MAX_SUPPORTED_VERSION})`,
      parse.int(MIN_SUPPORTED_VERSION, MAX_SUPPORTED_VERSION),
      MAX_SUPPORTED_VERSION,
    )
    .option('--cash <usd>', 'starting cash', parse.number(1, 1e12), 1_000_000)
    .option('--tick-ms <ms>', 'market data aggregation cadence', parse.int(5, 60_000), 250)
    .option('--lines <n>', 'market data line limit', parse.int(1, 100_000), 100)
    .option(
      '--max-rate <n>',
      'client messages per second before error 100 (0: off)',
      parse.int(0, 1_000_000),
      50,
    )
    .option('--no-pacing', 'switch historical-data pacing rules off')
    .option('--slippage-ticks <n>', 'adverse slippage in ticks', parse.number(0, 1000), 0)
    .option('--partial-probability <p>', 'probability of a partial fill', parse.number(0, 1), 0)
    .option('--partial-clip <shares>', 'size of a partial fill', parse.int(1, 1_000_000_000), 100)
    .option('--log-level <level>', 'log level', 'info')
    .action(async (flags: RunFlags, command: Command) => {
      if (
        flags.speed !== undefined &&
        flags.speed !== 1 &&
        flags.clock !== undefined &&
        flags.clock !== 'accelerated'
      ) {
        command.error(`error: option '--speed' needs the accelerated clock, not '--clock ${flags.clock}'`, {
          exitCode: USAGE_EXIT_CODE,
          code: 'commander.conflictingOption',
        });
      }
      const logger = createLogger({ level: flags.logLevel, scrubber: new SecretScrubber((v) => v) });
      const handle = await startStandaloneSim({
        host: flags.host,
        port: flags.port,
        controlPort: flags.control ? flags.controlPort : null,
        account: flags.account,
        universePath: flags.universe,
        replayDir: flags.replay,
        seed: flags.seed,
        speed: flags.speed,
        clockMode: flags.clock,
        startMs: flags.start,
        statePath: flags.state,
        maxServerVersion: flags.maxVersion,
        initialCash: flags.cash,
        tickCadenceMs: flags.tickMs,
        maxMarketDataLines: flags.lines,
        maxMessagesPerSecond: flags.maxRate,
        pacing: { enabled: flags.pacing },
        fill: {
          slippageTicks: flags.slippageTicks,
          partialFillProbability: flags.partialProbability,
          partialClipShares: flags.partialClip,
        },
        logger,
      });
      process.stdout.write(
        `paper gateway for ${flags.account} on ${flags.host}:${handle.port}` +
          (handle.controlPort === undefined ? '' : `, control API on 127.0.0.1:${handle.controlPort}`) +
          ` (clock ${handle.clock.mode})\n`,
      );
      const stop = async () => {
        await handle.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  sim
    .command('fault')
    .description('inject a fault into a running paper gateway (reached at 127.0.0.1:--control-port)')
    .addArgument(new Argument('<name>', 'fault name').choices(Object.keys(faultSchemas)))
    .option('--seconds <s>', 'refuse/silence duration', parse.number(0.001, 3600))
    .addOption(
      new Option('--mode <code>', 'reset: restored with 1101 (data lost) or 1102').choices(['1101', '1102']),
    )
    .option('--down-seconds <s>', 'reset: how long connectivity is down', parse.number(0, 3600))
    .option('--count <n>', 'reject-next/drop-order/pacing: how many', parse.int(0, 1_000_000))
    .option('--ms <ms>', 'ack-delay: delay in ms', parse.int(0, 600_000))
    .option('--symbol <symbol>', 'stop-data/shock: the symbol')
    .option('--resume', 'stop-data: resume the symbol instead; hold-order: release it')
    .option('--fill <n>', 'hold-order: shares each held order may fill', parse.int(0, 1_000_000_000))
    .option('--all', 'shock: every symbol')
    .option('--pct <pct>', 'shock: price move in percent, e.g. -8', parse.number(-99.99, 1000))
    .option('--reset', 'shock: take every shock back')
    .action(async (name: string, flags: FaultFlags, command: Command) => {
      const body: Record<string, unknown> = {};
      if (flags.seconds !== undefined) body.seconds = flags.seconds;
      if (flags.mode !== undefined) body.mode = flags.mode;
      if (flags.downSeconds !== undefined) body.downSeconds = flags.downSeconds;
      if (flags.count !== undefined) body.count = flags.count;
      if (flags.ms !== undefined) body.ms = flags.ms;
      if (flags.symbol !== undefined) body.symbol = flags.symbol;
      if (flags.resume) body.resume = true;
      if (flags.fill !== undefined) body.fill = flags.fill;
      if (flags.all) body.all = true;
      if (flags.pct !== undefined) body.pct = flags.pct;
      if (flags.reset) body.reset = true;
      await callControl(controlTarget(command), 'POST', `/faults/${name}`, body);
    });

  sim
    .command('advance')
    .description('advance the clock of a running paper gateway')
    .argument('<ms>', 'milliseconds', parse.int(1, 2 ** 40))
    .action(async (ms: number, _flags: object, command: Command) => {
      await callControl(controlTarget(command), 'POST', '/clock/advance', { ms });
    });

  sim
    .command('orders')
    .description("print a running paper gateway's order log")
    .action(async (_flags: object, command: Command) => {
      await callControl(controlTarget(command), 'GET', '/orders/log');
    });

  sim
    .command('status')
    .description("print a running paper gateway's state")
    .action(async (_flags: object, command: Command) => {
      await callControl(controlTarget(command), 'GET', '/state');
    });
}

interface ControlTarget {
  host: string;
  port: number;
}

/** The control API listens on loopback only; the parent `sim` command's --control-port says where. */
function controlTarget(command: Command): ControlTarget {
  const parent = command.parent?.opts<{ controlPort?: number }>() ?? {};
  return { host: '127.0.0.1', port: parent.controlPort ?? DEFAULT_CONTROL_PORT };
}

interface FaultFlags {
  seconds?: number;
  mode?: string;
  downSeconds?: number;
  count?: number;
  ms?: number;
  symbol?: string;
  resume?: boolean;
  fill?: number;
  all?: boolean;
  pct?: number;
  reset?: boolean;
}

async function callControl(
  target: ControlTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: object,
): Promise<void> {
  const url = `http://${target.host}:${target.port}${path}`;
  const response = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control API answered ${response.status}: ${text}`);
  process.stdout.write(`${text}\n`);
}
