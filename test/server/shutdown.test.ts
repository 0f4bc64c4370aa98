import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { ApiClient, TEST_ADMIN_PASSWORD } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { nodeEntry } from '../helpers/entry.js';
import { pollUntil } from '../helpers/poll.js';

interface Job {
  id: number;
  status: string;
  progress: number;
}

/** Starts the real `ibloop serve` (built-in paper gateway) and resolves with its URL. */
function serve(dataRoot: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    [...nodeEntry('cli/main'), 'serve', '--data-root', dataRoot, '--port', '0'],
    {
      env: { ...process.env, IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const url = /ibloop is running: (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearInterval(timer);
        resolve({ child, url, output: () => output });
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited with ${code} before it was up:\n${output}`));
    });
  });
}

describe('shutdown on SIGTERM', () => {
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-shutdown-'));
  afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('exits within 10 s with a backfill running; the job is marked cancelled and nothing is half-written', async () => {
    const { child, url, output } = await serve(dataRoot);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const api = new ApiClient(url);
      expect((await api.login()).status).toBe(200);
      await pollUntil(
        async () => (await api.request<{ status: string }>('GET', '/api/ib/status')).body.status,
        (s) => s === 'CONNECTED',
        60_000,
      );
      // A quarter of minute bars: paced by IB's burst rule, it runs for a minute or more.
      const started = await api.request<{ job: Job }>('POST', '/api/ib/backfill', {
        symbols: 'AAPL',
        barSize: '1m',
        from: '2025-03-03',
        to: '2025-06-02',
      });
      expect(started.status).toBe(202);
      const id = started.body.job.id;
      await pollUntil(
        async () => (await api.request<{ job: Job }>('GET', `/api/jobs/${id}`)).body.job,
        (j) => j.status === 'running' && j.progress > 0,
        60_000,
      );

      const signalled = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000)),
      ]);
      const tookMs = Date.now() - signalled;
      expect(code, output()).toBe(0);
      expect(tookMs).toBeLessThan(10_000);

      const store = openStore({ dataRoot, databaseUrl: undefined });
      try {
        const row = await store.db
          .selectFrom('job_runs')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        expect(row).toMatchObject({ status: 'cancelled', active_key: null });
        expect(row.message).toMatch(/shutdown/);
        expect(row.finished_at).not.toBeNull();
        const cancels = await store.db
          .selectFrom('audit_log')
          .select(['action', 'target'])
          .where('target', '=', `job:${id}`)
          .execute();
        expect(cancels.map((c) => c.action)).toContain('job.cancel');
      } finally {
        await store.close();
      }
      // The audit chain is whole: every record written before the exit is complete.
      const verify = runCli(['audit', 'verify', '--data-root', dataRoot]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 180_000);
});
