import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-models-cli-'));
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

describe('ibloop --version and ibloop models', () => {
  it('prints the version in package.json', () => {
    const { version } = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = runCli([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('lists no models on an empty data root, as text and as JSON', () => {
    const text = runCli(['models', '--data-root', dataRoot]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/no saved models .*ibloop train/);
    const json = runCli(['models', '--json', '--data-root', dataRoot]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });
});
