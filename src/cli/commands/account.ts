/**
 * `ibloop account [--json]`: the account, positions and today's PnL, read from IB with a client id
 * of its own (IB_CLIENT_ID + 300, so it never takes the trading session's id), or the latest
 * persisted snapshot with `--stored` (or when IB cannot be reached).
 */
import { type AppContext, openAppContext } from '../../app/context.js';
import { createIbBrokerage } from '../../brokerage/ib/index.js';
import { type AccountView, readAccount, SnapshotStore, sectorsFromThemes } from '../../monitoring/index.js';
import { bootstrapFrom, type CommonFlags, withCommonFlags } from '../common.js';
import { type Command, parse } from '../program.js';

interface AccountFlags extends CommonFlags {
  json?: boolean;
  stored?: boolean;
  host?: string;
  port?: number;
  clientId?: number;
  timeout: number;
}

const CLIENT_ID_OFFSET = 300;

export function registerAccountCommand(program: Command): void {
  withCommonFlags(
    program
      .command('account')
      .description('the account, positions and PnL from IB (or the latest stored snapshot)')
      .option('--json', 'print JSON')
      .option('--stored', 'print the latest stored snapshot without asking IB')
      .option('--host <host>', 'IB Gateway / TWS host (default: IB_HOST)', parse.nonEmpty)
      .option('--port <port>', 'IB Gateway / TWS port (default: IB_PORT)', parse.int(1, 65_535))
      .option(
        '--client-id <id>',
        `client id (default: IB_CLIENT_ID + ${CLIENT_ID_OFFSET})`,
        parse.int(0, 2_147_483_647),
      )
      .option('--timeout <seconds>', 'how long to wait for IB', parse.int(1, 600), 15),
  ).action(async (flags: AccountFlags) => {
    const ctx = await openAppContext(bootstrapFrom(flags));
    try {
      let view: AccountView | null = null;
      let note: string | null = null;
      if (!flags.stored) {
        try {
          view = await fromIb(ctx, flags);
        } catch (error) {
          note = `IB: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      if (!view) view = await new SnapshotStore(ctx.store.db).latest();
      if (note) process.stderr.write(`${note}${view ? '; showing the latest stored snapshot' : ''}\n`);
      if (!view) {
        process.stderr.write('error: no account data: IB is not reachable and no snapshot is stored\n');
        process.exitCode = 1;
        return;
      }
      process.stdout.write(flags.json ? `${JSON.stringify({ account: view }, null, 2)}\n` : render(view));
    } finally {
      await ctx.close();
    }
  });
}

async function fromIb(ctx: AppContext, flags: AccountFlags): Promise<AccountView> {
  const s = await ctx.settings.resolve();
  const host = flags.host ?? String(s.IB_HOST.value ?? '127.0.0.1');
  const port = flags.port ?? Number(s.IB_PORT.value ?? 4002);
  const account = s.IB_ACCOUNT.value === undefined ? undefined : String(s.IB_ACCOUNT.value);
  const broker = createIbBrokerage({
    host,
    port,
    clientId: flags.clientId ?? Number(s.IB_CLIENT_ID.value ?? 1) + CLIENT_ID_OFFSET,
    mode: s.IB_MODE.value === 'live' ? 'live' : 'paper',
    ...(account ? { account } : {}),
    clock: ctx.clock,
    requestTimeoutMs: flags.timeout * 1_000,
    connectTimeoutMs: Math.min(flags.timeout * 1_000, 5_000),
  });
  try {
    const connected = await Promise.race([
      broker.connection.start().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), flags.timeout * 1_000).unref()),
    ]);
    if (!connected) {
      const last = broker.connection.state().lastError;
      throw new Error(
        `could not connect to ${host}:${port}${last ? ` (${last.code}: ${last.message})` : ''}`,
      );
    }
    return await readAccount(broker, ctx.clock.nowMs(), await sectorsFromThemes(ctx.themes));
  } finally {
    await broker.connection.stop();
  }
}

function money(n: number | null): string {
  return n === null ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function percent(n: number): string {
  return `${(n * 100).toFixed(2)}%`;
}

function render(view: AccountView): string {
  const f = view.figures;
  const lines = [
    `account ${view.account} (${view.currency}), ${view.source === 'live' ? 'live from IB' : 'stored snapshot'} at ${view.time}`,
    '',
    `net liquidation     ${money(f.netLiquidation)}`,
    `cash                ${money(f.totalCash)}`,
    `buying power        ${money(f.buyingPower)}`,
    `available funds     ${money(f.availableFunds)}`,
    `excess liquidity    ${money(f.excessLiquidity)}`,
    `initial margin      ${money(f.initMargin)}`,
    `maintenance margin  ${money(f.maintMargin)}`,
    `gross positions     ${money(f.grossPositionValue)}`,
    `today's PnL         ${money(f.dailyPnl)}`,
    `unrealised PnL      ${money(f.unrealizedPnl)}`,
    `realised PnL        ${money(f.realizedPnl)}`,
    '',
  ];
  if (view.positions.length === 0) return `${lines.join('\n')}no positions\n`;
  const header = [
    'symbol',
    'quantity',
    'avg cost',
    'price',
    'value',
    'unrealised',
    'realised',
    'weight',
    'sector',
  ];
  const rows = view.positions.map((p) => [
    p.symbol,
    p.quantity.toLocaleString('en-US'),
    money(p.avgCost),
    money(p.marketPrice),
    money(p.marketValue),
    money(p.unrealizedPnl),
    money(p.realizedPnl),
    percent(p.weight),
    p.sector || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return `${[...lines, line(header), ...rows.map(line)].join('\n')}\n`;
}
