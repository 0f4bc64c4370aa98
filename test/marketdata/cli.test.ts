import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../brokerage/sim-harness.js';
import { nodeEntry } from '../helpers/entry.js';

/** Runs the real CLI without blocking this process (the gateway runs in it). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeEntry('cli/main'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('ibloop contracts / ib CLI against the built-in gateway', () => {
  let h: Harness;
  let dataRoot: string;

  beforeAll(async () => {
    h = await startHarness();
    dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-cli-'));
  });

  afterAll(async () => {
    await h.close();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  const ib = () => ['--data-root', dataRoot, '--host', '127.0.0.1', '--port', String(h.sim.port)];

  it('contracts refresh prints the report and fails on unresolved symbols', async () => {
    const run = await cli(['contracts', 'refresh', '--symbols', 'AAPL,MSFT,ZZZZQ', ...ib()]);
    expect(run.stdout).toContain('resolved 2/3, unresolved 1');
    expect(run.stdout).toMatch(/ZZZZQ: unresolved \(IB 200/);
    expect(run.code).toBe(1);
    const snapshot = JSON.parse(
      readFileSync(path.join(dataRoot, 'ib', 'contracts', 'contracts.json'), 'utf8'),
    );
    expect(snapshot.contracts).toHaveLength(3);
  });

  it('backfill then audit-bars reports complete sessions', async () => {
    const backfill = await cli([
      'ib',
      'backfill',
      '--symbols',
      'AAPL',
      '--bar',
      '1d',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-31',
      ...ib(),
    ]);
    expect(backfill.code).toBe(0);
    expect(JSON.parse(backfill.stdout.trim())).toMatchObject({ source: 'ib', stored: 1, failures: [] });
    const audit = await cli([
      'ib',
      'audit-bars',
      '--symbols',
      'AAPL',
      '--bar',
      '1d',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-31',
      '--data-root',
      dataRoot,
    ]);
    expect(audit.stdout).toContain('AAPL: 22/22 sessions (100.0%)');
    expect(audit.code).toBe(0);
  });

  it('bad flags exit 2 naming the flag', async () => {
    const run = await cli([
      'ib',
      'backfill',
      '--symbols',
      'AAPL',
      '--bar',
      '1d',
      '--from',
      '2026-13-01',
      '--to',
      '2026-03-31',
      '--data-root',
      dataRoot,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--from/);
    const none = await cli(['contracts', 'refresh', '--data-root', dataRoot, '--port', '1']);
    expect(none.stderr).toMatch(/exactly one of project, theme or symbols/);
  });
});
