/**
 * One ibloop server as a separate process, for the kill -9 test: the real server (routes, trading
 * supervisor, execution lease, pipeline runner and scheduler) against an external paper gateway,
 * on a clock that follows the gateway's simulated time. Prints one JSON line `{ url }` when it
 * listens. The test kills it with SIGKILL, so nothing here cleans up.
 *
 * Env: DATA_ROOT, DATABASE_URL, IBLOOP_ADMIN_PASSWORD, IB_HOST/IB_PORT/IB_ACCOUNT (the gateway),
 * ANCHOR_WALL_MS + ANCHOR_SIM_MS (sim time = ANCHOR_SIM_MS + wall time elapsed since ANCHOR_WALL_MS).
 */
import type { Clock } from '../../src/core/clock.js';
import { startApp } from '../../src/server/index.js';

const env = process.env;
const anchorWall = Number(env.ANCHOR_WALL_MS);
const anchorSim = Number(env.ANCHOR_SIM_MS);
if (!Number.isFinite(anchorWall) || !Number.isFinite(anchorSim))
  throw new Error('ANCHOR_WALL_MS and ANCHOR_SIM_MS must be numbers');
const clock: Clock = { nowMs: () => anchorSim + (Date.now() - anchorWall) };

const app = await startApp({
  env,
  dataRoot: env.DATA_ROOT,
  host: '127.0.0.1',
  port: 0,
  clock,
  logSink: (line) => {
    if (env.KILL9_LOG) process.stderr.write(`${line}\n`);
  },
  trading: { enabled: true, builtInGateway: 'off' },
});
process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
