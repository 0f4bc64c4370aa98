import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

function runCliAsync(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent', IBLOOP_ADMIN_PASSWORD: 'demo-weeks-test-password' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('ibloop demo weeks', () => {
  const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-demo-weeks-test-'));
  afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('refuses a bad flag with exit 2, naming it', () => {
    const bad = runCli(['demo', 'weeks', '--weeks', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--weeks');
    const pace = runCli(['demo', 'weeks', '--pace-seconds', 'soon']);
    expect(pace.code).toBe(2);
    expect(pace.stderr).toContain('--pace-seconds');
    const help = runCli(['demo', 'weeks', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--weeks <n>');
  });

  it('trades the demo project week by week on the built-in gateway and prints a line per week', async () => {
    const result = await runCliAsync(
      [
        'demo',
        'weeks',
        '--weeks',
        '2',
        '--pace-seconds',
        '0',
        '--port',
        '0',
        '--exit',
        '--data-root',
        dataRoot,
      ],
      500_000,
    );
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const weeks = result.stdout.split('\n').filter((line) => /^\s+week\s+\d+\/2 /.test(line));
    expect(weeks, result.stdout).toHaveLength(2);
    for (const line of weeks) expect(line).toMatch(/SUCCEEDED, (\d+)\/\1 orders filled, snapshot #\d+/);
    expect(result.stdout).toContain('done: 2/2 weeks succeeded');
  }, 600_000);
});
