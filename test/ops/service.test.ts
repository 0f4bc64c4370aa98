import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planService, renderService, UNIT_NAMES, writeServiceFiles } from '../../src/ops/index.js';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'ibloop-ops-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Real files where the units point: systemd-analyze verify checks that ExecStart binaries exist. */
function stubs(dir: string) {
  const exe = (file: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o755);
    return file;
  };
  const ibcPath = path.join(dir, 'opt', 'ibc');
  exe(path.join(ibcPath, 'scripts', 'ibcstart.sh'));
  const gatewayPath = path.join(dir, 'Jts', 'ibgateway', '1030');
  mkdirSync(gatewayPath, { recursive: true });
  const ibcIni = path.join(dir, 'ibc', 'config.ini');
  mkdirSync(path.dirname(ibcIni), { recursive: true });
  writeFileSync(ibcIni, 'IbLoginId=edemo\n', { mode: 0o600 });
  const appRoot = path.join(dir, 'app');
  exe(path.join(appRoot, 'dist', 'cli', 'main.js'));
  const xvfbRun = exe(path.join(dir, 'bin', 'xvfb-run'));
  return { ibcPath, gatewayPath, ibcIni, appRoot, xvfbRun, dataRoot: path.join(dir, 'data') };
}

function systemdAnalyze(): string | undefined {
  const found = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  return found.error ? undefined : 'systemd-analyze';
}

describe('service install', () => {
  it('writes units that pass systemd-analyze verify, and an owner-only environment file', () => {
    const analyze = systemdAnalyze();
    if (!analyze) {
      // CI installs Debian's systemd package (scripts/test-all.sh): never skip there.
      if (process.env.CI === 'true')
        throw new Error('systemd-analyze is missing: install the systemd package');
      console.warn('systemd-analyze not installed: unit verification skipped');
    }
    const dir = mkdtempSync(path.join(root, 'install-'));
    const s = stubs(dir);
    const home = path.join(dir, 'home');
    const plan = planService(s, { mustExist: true, home, appRoot: s.appRoot, xvfbRun: s.xvfbRun });
    const lines = writeServiceFiles(renderService(plan), { dryRun: false });
    const unitDir = path.join(home, '.config', 'systemd', 'user');
    const units = Object.values(UNIT_NAMES).map((u) => path.join(unitDir, u));
    expect(lines).toHaveLength(units.length + 1);
    for (const u of units) expect(existsSync(u)).toBe(true);
    const envFile = path.join(home, '.config', 'ibloop', 'ibloop.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(envFile, 'utf8')).toContain(`DATA_ROOT="${s.dataRoot}"`);

    const ibloop = readFileSync(path.join(unitDir, UNIT_NAMES.ibloop), 'utf8');
    expect(ibloop).toContain(`ExecStart=${process.execPath} ${s.appRoot}/dist/cli/main.js serve`);
    expect(ibloop).toMatch(/^Restart=on-failure$/m);
    expect(ibloop).toMatch(/^After=ib-gateway\.service$/m);
    expect(ibloop).toMatch(/^Wants=ib-gateway\.service$/m);
    expect(ibloop).toContain(`EnvironmentFile=${envFile}`);
    const gateway = readFileSync(path.join(unitDir, UNIT_NAMES.gateway), 'utf8');
    expect(gateway).toContain(`ExecStart=${s.xvfbRun} -a ${s.ibcPath}/scripts/ibcstart.sh 1030 --gateway`);
    expect(gateway).toContain(`--ibc-ini=${s.ibcIni}`);
    expect(gateway).not.toMatch(/password|--pw=/i);

    if (analyze) {
      const verify = spawnSync(analyze, ['verify', ...units], { encoding: 'utf8' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
      // The check bites: a unit whose binary is gone fails verification.
      rmSync(s.xvfbRun);
      const broken = spawnSync(analyze, ['verify', ...units], { encoding: 'utf8' });
      expect(broken.status).not.toBe(0);
      expect(broken.stderr).toContain('xvfb-run');
    }

    // A second install keeps the user's edited environment file and narrows its mode.
    writeFileSync(envFile, 'DATA_ROOT=/elsewhere\nIBLOOP_SECRET_KEY=x\n');
    chmodSync(envFile, 0o644);
    const again = writeServiceFiles(renderService(plan), { dryRun: false });
    expect(again[0]).toMatch(/^kept /);
    expect(readFileSync(envFile, 'utf8')).toContain('IBLOOP_SECRET_KEY=x');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
  });

  it('--dry-run prints every file with its path and content and writes nothing', () => {
    const dir = mkdtempSync(path.join(root, 'dry-'));
    const home = path.join(dir, 'home');
    const result = runCli(
      [
        'service',
        'install',
        '--user',
        '--dry-run',
        '--ibc-path',
        '/opt/ibc',
        '--gateway-path',
        '/home/trader/Jts/ibgateway/1030',
        '--ibc-ini',
        '/home/trader/ibc/config.ini',
        '--data-root',
        '/srv/ibloop',
      ],
      { HOME: home, XDG_CONFIG_HOME: '' },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const unitDir = path.join(home, '.config', 'systemd', 'user');
    for (const u of Object.values(UNIT_NAMES))
      expect(result.stdout).toContain(`# ${path.join(unitDir, u)} (mode 0644)`);
    expect(result.stdout).toContain(`# ${path.join(home, '.config', 'ibloop', 'ibloop.env')} (mode 0600)`);
    expect(result.stdout).toContain('DATA_ROOT="/srv/ibloop"');
    expect(result.stdout).toContain('--ibc-ini=/home/trader/ibc/config.ini');
    expect(result.stdout).toContain('loginctl enable-linger $USER');
    expect(result.stdout).toContain('systemctl --user daemon-reload');
    expect(result.stdout).toMatch(/systemctl --user enable --now ib-gateway\.service ibloop\.service/);
    expect(existsSync(home)).toBe(false);
  });

  it.each([
    [['--dry-run', '--ibc-path', 'relative/ibc'], /--ibc-path: must be an absolute path/],
    [['--dry-run', '--ibc-ini', 'config.ini'], /--ibc-ini: must be an absolute path/],
    [['--dry-run', '--environment-file', 'x.env'], /--environment-file: must be an absolute path/],
    [['--dry-run', '--data-root', 'data'], /--data-root: must be an absolute path/],
    [
      ['--dry-run', '--gateway-path', '/opt/ibgateway'],
      /--gateway-path: must be the Gateway's install folder/,
    ],
    [
      ['--ibc-path', '/nonexistent/ibc'],
      /--ibc-path: \/nonexistent\/ibc\/scripts\/ibcstart\.sh does not exist/,
    ],
    [['--bogus'], /--bogus/],
    [['--ibc-path'], /--ibc-path/],
  ])('exits 2 naming the flag for %j', (args, pattern) => {
    const home = mkdtempSync(path.join(root, 'bad-'));
    const result = runCli(['service', 'install', ...args], { HOME: home, XDG_CONFIG_HOME: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(existsSync(path.join(home, '.config'))).toBe(false);
  });

  it('status says clearly when systemctl is not available', () => {
    const result = runCli(['service', 'status'], { PATH: path.join(root, 'no-bin') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/systemctl is not available/);
  });

  it.each([
    [['service']],
    [['service', 'install']],
    [['service', 'status']],
    [['db', 'backup']],
    [['db', 'restore']],
  ])('prints help for %j', (args) => {
    const result = runCli([...args, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: ibloop/);
  });
});
