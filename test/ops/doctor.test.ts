import { execFile } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import type { DoctorReport } from '../../src/contract/ops.js';
import { ManualClock } from '../../src/core/clock.js';
import { BACKUP_DIR_NAME, backupFileName, doctorFor, formatDoctorReport } from '../../src/ops/index.js';
import { alertContext } from '../alerts/context.js';
import { delay, type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';
import { ENGINES, type EngineName, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { nodeEntry } from '../helpers/entry.js';

const TINY_DISK = { diskWarnGiB: 0.001, diskFailGiB: 0.0001 };

/** `ibloop doctor` against the built-in paper gateway over TCP, with each fault it can inject. */
describe.each(ENGINES)('doctor on %s', (engine) => {
  let h: Harness;
  let target: EngineTarget | undefined;
  let ctx: AppContext | undefined;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.sim.faults.clear();
    await ctx?.close();
    target?.cleanup();
    ctx = undefined;
    target = undefined;
  });
  afterAll(async () => {
    await h?.close();
  });

  async function open(env: Record<string, string> = {}, skewMs = 0): Promise<AppContext> {
    target = await freshTarget(engine as EngineName);
    const clock = new ManualClock(h.sim.clock.nowMs() + skewMs);
    ctx = await alertContext(
      target,
      {
        IB_HOST: '127.0.0.1',
        IB_PORT: String(h.sim.port),
        IB_CLIENT_ID: '41',
        IB_ACCOUNT: 'DU1234567',
        ...env,
      },
      clock,
    );
    return ctx;
  }

  const doctor = (c: AppContext, extra: Parameters<typeof doctorFor>[1] = {}) =>
    doctorFor(c, { stepTimeoutMs: 1_500, symbol: 'AAPL', thresholds: TINY_DISK, ...extra });
  const byId = (report: DoctorReport) => Object.fromEntries(report.checks.map((c) => [c.id, c]));

  it('a healthy setup passes every check but the missing backup, then that too', async () => {
    const c = await open();
    let report = await doctor(c);
    const checks = byId(report);
    expect(
      Object.fromEntries(Object.entries(checks).map(([id, check]) => [id, `${check.status} ${check.code}`])),
    ).toEqual({
      'gateway.reachable': 'pass GATEWAY_REACHABLE',
      'gateway.api': 'pass API_READY',
      'gateway.client_id': 'pass CLIENT_ID_FREE',
      'gateway.connectivity': 'pass CONNECTIVITY_OK',
      'gateway.read_only': 'pass READ_ONLY_NOT_SEEN',
      'gateway.market_data': 'pass MARKET_DATA_LIVE',
      'gateway.history': 'pass HISTORY_OK',
      'gateway.account_mode': 'pass ACCOUNT_MODE_OK',
      'gateway.clock': 'pass CLOCK_OK',
      'database.reachable': 'pass DB_REACHABLE',
      'database.migrations': 'pass MIGRATIONS_CURRENT',
      'disk.space': 'pass DISK_OK',
      'backup.age': 'warn BACKUP_NONE',
    });
    expect(checks['gateway.account_mode']!.params).toMatchObject({ account: 'DU****67' });
    expect(report.overall).toBe('warn');
    const dir = path.join(c.bootstrap.dataRoot, BACKUP_DIR_NAME);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, backupFileName('sqlite'));
    writeFileSync(file, 'SQLite format 3\0');
    const twoHoursAgo = new Date(c.clock.nowMs() - 2 * 3_600_000);
    utimesSync(file, twoHoursAgo, twoHoursAgo);
    // Another symbol: IB (and the paper gateway) refuse an identical history request within 15 s.
    report = await doctor(c, { symbol: 'MSFT' });
    expect(byId(report)['backup.age']).toMatchObject({
      status: 'pass',
      code: 'BACKUP_RECENT',
      params: { hours: 2 },
    });
    expect(report.checks.filter((check) => check.status !== 'pass')).toEqual([]);
    expect(report.overall).toBe('pass');
    // The account never leaves in clear text.
    expect(JSON.stringify(report)).not.toContain('DU1234567');
    const english = formatDoctorReport(report, 'en');
    expect(english).toContain('[PASS] Gateway reachable');
    expect(formatDoctorReport(report, 'zh-CN')).toContain('[通过] 网关可达');
  });

  it.runIf(engine === 'sqlite')('names a gateway that refuses connections', async () => {
    const c = await open();
    await h.sim.faults.refuse(2);
    const report = await doctor(c);
    expect(byId(report)['gateway.reachable']).toMatchObject({ status: 'fail', code: 'GATEWAY_UNREACHABLE' });
    expect(byId(report)['gateway.api']!.status).toBe('skip');
    expect(report.overall).toBe('fail');
    expect(formatDoctorReport(report, 'en')).toContain('Fix: Start IB Gateway');
    // The listener comes back after the refusal; the next case needs it.
    await delay(2_500);
  });

  it.runIf(engine === 'sqlite')('names a gateway whose API does not answer', async () => {
    const c = await open();
    await h.sim.faults.silence(3);
    const report = await doctor(c);
    expect(byId(report)['gateway.reachable']!.status).toBe('pass');
    expect(byId(report)['gateway.api']).toMatchObject({ status: 'fail', code: 'API_SILENT' });
  });

  it.runIf(engine === 'sqlite')(
    "names IB's connectivity loss (1100) seen by the server's session",
    async () => {
      const c = await open();
      const live = h.brokerage();
      await live.connection.start();
      try {
        await h.sim.faults.reset('1102', 5);
        await waitFor('1100', () => live.connection.state().status === 'DEGRADED');
        const report = await doctor(c, { liveConnection: live.connection.state() });
        expect(byId(report)['gateway.connectivity']).toMatchObject({
          status: 'fail',
          code: 'IB_CONNECTIVITY_LOST',
        });
        expect(byId(report)['gateway.market_data']).toMatchObject({
          status: 'warn',
          code: 'MARKET_DATA_NONE',
        });
      } finally {
        await live.connection.stop();
      }
    },
  );

  it.runIf(engine === 'sqlite')(
    'names stopped market data and a historical data pacing refusal',
    async () => {
      const c = await open();
      await h.sim.faults.stopData('AAPL');
      await h.sim.faults.pacing(1);
      const checks = byId(await doctor(c));
      expect(checks['gateway.market_data']).toMatchObject({ status: 'warn', code: 'MARKET_DATA_NONE' });
      expect(checks['gateway.history']).toMatchObject({ status: 'warn', code: 'HISTORY_PACING' });
    },
  );

  it.runIf(engine === 'sqlite')('names a trading client id already in use (326)', async () => {
    const c = await open();
    const other = h.brokerage({ clientId: 41 });
    await other.connection.start();
    try {
      const checks = byId(await doctor(c));
      expect(checks['gateway.client_id']).toMatchObject({
        status: 'fail',
        code: 'CLIENT_ID_IN_USE',
        params: { clientId: 41 },
      });
      // The server's own session holding it is not a problem.
      const own = byId(await doctor(c, { liveConnection: other.connection.state() }));
      expect(own['gateway.client_id']).toMatchObject({ status: 'pass', code: 'CLIENT_ID_OURS' });
    } finally {
      await other.connection.stop();
    }
  });

  it.runIf(engine === 'sqlite')('names a paper account under live mode and a skewed clock', async () => {
    const c = await open({ IB_MODE: 'live' }, 90_000);
    const checks = byId(await doctor(c));
    expect(checks['gateway.account_mode']).toMatchObject({ status: 'fail', code: 'ACCOUNT_MODE_MISMATCH' });
    expect(checks['gateway.clock']).toMatchObject({
      status: 'fail',
      code: 'CLOCK_SKEW',
      params: { seconds: -90 },
    });
  });
});

/** The CLI runs in a child process; async, so the in-process paper gateway keeps answering. */
function runCliAsync(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...nodeEntry('cli/main'), ...args],
      { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 60_000 },
      (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
}

describe('ibloop doctor (CLI)', () => {
  let h: Harness;
  let target: EngineTarget;

  beforeAll(async () => {
    // The gateway's clock two minutes behind this host's.
    h = await startHarness({ startMs: Date.now() - 120_000 });
    target = await freshTarget('sqlite');
  });
  afterAll(async () => {
    await h?.close();
    target?.cleanup();
  });

  it('explains in Chinese on request, and exits 1 on a failure (the clock)', async () => {
    const env = {
      DATA_ROOT: target.dataRoot,
      IB_HOST: '127.0.0.1',
      IB_PORT: String(h.sim.port),
      IB_ACCOUNT: 'DU1234567',
    };
    const run = await runCliAsync(['doctor', '--lang', 'zh-CN', '--symbol', 'AAPL', '--timeout', '3'], env);
    expect(run.stdout).toContain('[通过] 网关可达');
    expect(run.stdout).toContain('[通过] 数据库迁移');
    expect(run.stdout).toMatch(/\[失败\] 系统时钟与网关时间: 系统时钟与网关相差 -\d{3,} 秒/);
    expect(run.stdout).toContain('处理: 在本机和网关主机上开启时间同步');
    expect(run.code).toBe(1);
    const json = await runCliAsync(['doctor', '--json', '--symbol', 'MSFT', '--timeout', '3'], env);
    const report = JSON.parse(json.stdout) as DoctorReport;
    expect(report.checks.find((c) => c.id === 'gateway.account_mode')).toMatchObject({ status: 'pass' });
    expect((await runCliAsync(['doctor', '--lang', 'fr'], env)).code).toBe(2);
  }, 180_000);
});
