import { spawnSync } from 'node:child_process';
import { nodeEntry } from './entry.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `ibloop` CLI in a child process (its current build, else from source: see nodeEntry). */
export function runCli(args: string[], env: Record<string, string> = {}, input?: string): CliResult {
  const result = spawnSync(process.execPath, [...nodeEntry('cli/main'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    input,
    timeout: 60_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
