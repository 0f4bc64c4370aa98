import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createIbBrokerage, type IbBrokerage } from '../../src/brokerage/ib/index.js';
import type { ManualClock } from '../../src/core/clock.js';
import { type SimGatewayHandle, type SimGatewayOptions, startSimGateway } from '../../src/sim/index.js';
import {
  createSimClock,
  createSyntheticMarket,
  defaultInstruments,
  derivedConId,
} from '../../src/sim/market/index.js';

/** Tuesday 2026-11-24 10:00 New York: the market is open. */
export const OPEN_MS = Date.UTC(2026, 10, 24, 15, 0, 0);
/** The same day 09:00 New York: before the open, market orders wait. */
export const PRE_OPEN_MS = Date.UTC(2026, 10, 24, 14, 0, 0);
export const TRADING_CLIENT_ID = 1;

/**
 * Trial count of the replica and kill -9 tests: EXECUTION_TRIALS (the acceptance run is 20); CI runs 5
 * to keep the whole suite under half an hour, local runs 3.
 */
export const TRIALS = Number(process.env.EXECUTION_TRIALS ?? (process.env.CI ? 5 : 3));

export async function startSim(
  options: Partial<Omit<SimGatewayOptions, 'market' | 'clock'>> & { startMs?: number } = {},
) {
  const { startMs, ...rest } = options;
  const simClock = createSimClock({ mode: 'stepped', startMs: startMs ?? OPEN_MS });
  const base = defaultInstruments(simClock);
  const template = base[0];
  if (!template) throw new Error('no instruments');
  // 46 default instruments + 4 more so that a 50-order rebalance exists.
  const extra = ['SIMA', 'SIMB', 'SIMC', 'SIMD'].map((symbol) => ({
    ...template,
    symbol,
    conId: derivedConId(symbol),
    longName: `${symbol} SIMULATED`,
  }));
  const market = createSyntheticMarket({ seed: 11, instruments: [...base, ...extra] });
  const sim = await startSimGateway({
    market,
    clock: simClock,
    controlPort: null,
    tickCadenceMs: 20,
    maxMessagesPerSecond: 0,
    pnlUpdateMs: 100_000,
    // Synthetic prices reach tens of thousands; enough money that every weight buys shares.
    initialCash: 10_000_000,
    ...rest,
  });
  const symbols = [...base, ...extra].map((i) => i.symbol);
  return { sim, simClock, symbols };
}

export function brokerageFor(sim: SimGatewayHandle, clientId: number, simTime: ManualClock): IbBrokerage {
  return createIbBrokerage({
    host: '127.0.0.1',
    port: sim.port,
    clientId,
    mode: 'paper',
    clock: simTime,
    heartbeatMs: 500,
    heartbeatTimeoutMs: 1_000,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: 10_000,
    backoff: { initialMs: 50, maxMs: 200, factor: 2 },
    maxMessagesPerSecond: 48,
  });
}

export function duplicateRefs(sim: SimGatewayHandle): string[] {
  const counts = new Map<string, number>();
  for (const entry of sim.orderLog()) {
    if (entry.kind !== 'place') continue;
    counts.set(entry.orderRef, (counts.get(entry.orderRef) ?? 0) + 1);
  }
  return [...counts.entries()].filter(([, n]) => n > 1).map(([ref]) => ref);
}

export interface WorkerEnv {
  simPort: number;
  simTimeMs: number;
  dataRoot: string;
  databaseUrl: string | undefined;
  holder: string;
  weights: Record<string, number>;
  project?: string;
  tradingDate?: string;
  extra?: Record<string, string>;
}

function envOf(w: WorkerEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SIM_PORT: String(w.simPort),
    SIM_TIME_MS: String(w.simTimeMs),
    DATA_ROOT: w.dataRoot,
    DATABASE_URL: w.databaseUrl ?? '',
    HOLDER: w.holder,
    WEIGHTS: JSON.stringify(w.weights),
    CLIENT_ID: String(TRADING_CLIENT_ID),
    ...(w.project ? { PROJECT: w.project } : {}),
    ...(w.tradingDate ? { TRADING_DATE: w.tradingDate } : {}),
    ...w.extra,
  };
}

const WORKER = 'test/execution/replica-worker.ts';

/** A worker in `run` mode; `lines` collects its JSON output. */
export function spawnRunWorker(w: WorkerEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...envOf(w), WORKER_MODE: 'run' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let index = buffer.indexOf('\n');
    while (index >= 0) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not ours (a library printing): ignore
      }
      index = buffer.indexOf('\n');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
}

/** A worker in `serve` mode, answering trial requests over IPC. */
export async function forkServeWorker(w: WorkerEnv): Promise<{
  child: ChildProcess;
  trial(
    project: string,
    tradingDate: string,
    weights: Record<string, number>,
  ): Promise<{ executed: boolean; sent?: number; status?: string; error?: string }>;
}> {
  const child = fork(WORKER, [], {
    env: { ...envOf(w), WORKER_MODE: 'serve' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  return {
    child,
    trial(project, tradingDate, weights) {
      return new Promise((resolve) => {
        child.once('message', (answer) => resolve(answer as { executed: boolean }));
        child.send({ cmd: 'trial', project, tradingDate, weights });
      });
    },
  };
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
