import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';

const dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-cli-'));
afterAll(() => rmSync(dataRoot, { recursive: true, force: true }));

describe('ibloop CLI', () => {
  it.each([
    [[]],
    [['serve']],
    [['db', 'migrate']],
    [['config', 'show']],
    [['config', 'set']],
    [['audit', 'verify']],
    [['admin', 'set-password']],
  ])('prints help for %j', (args) => {
    const result = runCli([...args, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: ibloop/);
  });

  it.each([
    [['serve', '--port', '70000'], /--port/],
    [['serve', '--port', 'abc'], /--port/],
    [['serve', '--bogus'], /--bogus/],
    [['config', 'show', '--data-root'], /--data-root/],
    [['nosuchcommand'], /nosuchcommand/],
  ])('exits 2 naming the flag for %j', (args, pattern) => {
    const result = runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
  });

  it('exits 2 naming each bad setting from the environment', () => {
    const result = runCli(['config', 'show', '--data-root', dataRoot], {
      IB_PORT: '70000',
      IB_MODE: 'real',
      IB_CLIENT_ID: 'x',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/IB_PORT \(from environment\): must be between 1 and 65535/);
    expect(result.stderr).toMatch(/IB_MODE \(from environment\)/);
    expect(result.stderr).toMatch(/IB_CLIENT_ID \(from environment\)/);
  });

  it('exits 2 naming the key of a bad config file', () => {
    const file = path.join(dataRoot, 'bad.yaml');
    writeFileSync(file, 'IB_PORT: 99999\n');
    const result = runCli(['config', 'show', '--data-root', dataRoot, '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/IB_PORT \(from config file\)/);
  });

  it('migrates, saves settings like the UI, shows them masked with their source', () => {
    expect(runCli(['db', 'migrate', '--data-root', dataRoot]).stdout).toMatch(/applied: 0001_foundation/);
    expect(runCli(['db', 'migrate', '--data-root', dataRoot]).stdout).toMatch(/already up to date/);
    const set = runCli(['config', 'set', 'IB_ACCOUNT=DU5556667', 'IB_PORT=4001', '--data-root', dataRoot]);
    expect(set.code).toBe(0);
    const bad = runCli(['config', 'set', 'IB_PORT=0', '--data-root', dataRoot]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/IB_PORT/);
    const shown = runCli(['config', 'show', '--json', '--data-root', dataRoot], { IB_HOST: 'gw.internal' });
    const views = JSON.parse(shown.stdout) as Array<{ key: string; value: unknown; source: string }>;
    const byKey = Object.fromEntries(views.map((v) => [v.key, v]));
    expect(byKey.IB_ACCOUNT).toMatchObject({ value: 'DU****67', source: 'db' });
    expect(byKey.IB_PORT).toMatchObject({ value: 4001, source: 'db' });
    expect(byKey.IB_HOST).toMatchObject({ value: 'gw.internal', source: 'env' });
    expect(shown.stdout).not.toContain('DU5556667');
  });

  it('audit verify passes on an intact chain and names the first tampered record', () => {
    runCli(['config', 'set', 'IB_PORT=4002', '--data-root', dataRoot]);
    runCli(['config', 'set', 'IB_PORT=4003', '--data-root', dataRoot]);
    const ok = runCli(['audit', 'verify', '--data-root', dataRoot]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain OK: \d+ records verified/);
    const db = new Database(path.join(dataRoot, SQLITE_FILE_NAME));
    db.exec('drop trigger audit_log_no_update');
    db.prepare("update audit_log set actor = 'mallory' where id = 2").run();
    db.close();
    const broken = runCli(['audit', 'verify', '--data-root', dataRoot]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at record 2/);
  });
});
