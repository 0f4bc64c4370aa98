import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** The units `service install` writes, by file name. */
export const UNIT_NAMES = {
  ibloop: 'ibloop.service',
  gateway: 'ib-gateway.service',
  backup: 'ibloop-backup.service',
  backupTimer: 'ibloop-backup.timer',
} as const;

/** How many daily backups the generated timer keeps. */
export const DEFAULT_BACKUP_KEEP = 14;

/** Paths given on the command line; each is checked and named by its flag when wrong. */
export interface ServicePathInput {
  ibcPath?: string | undefined;
  gatewayPath?: string | undefined;
  ibcIni?: string | undefined;
  envFile?: string | undefined;
  dataRoot?: string | undefined;
}

export interface ServicePlan {
  unitDir: string;
  envFile: string;
  dataRoot: string;
  nodePath: string;
  appRoot: string;
  xvfbRun: string;
  ibcPath: string;
  ibcIni: string;
  /** The Gateway's install folder, `<tws-path>/ibgateway/<major version>`. */
  gatewayPath: string;
}

export interface PlannedFile {
  path: string;
  content: string;
  mode: number;
  /** The environment file is the user's to edit once written: it is never overwritten. */
  keepIfExists: boolean;
}

/** A path problem named by the flag that gave it; the CLI exits 2 with it. */
export class ServicePathError extends Error {
  constructor(
    readonly flag: string,
    reason: string,
  ) {
    super(`${flag}: ${reason}`);
    this.name = 'ServicePathError';
  }
}

const absolute = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path');

export interface PlanOptions {
  /** When false (dry run), paths need not exist yet. */
  mustExist: boolean;
  home?: string;
  configHome?: string | undefined;
  nodePath?: string;
  appRoot?: string;
  xvfbRun?: string | undefined;
}

/** Default places (IBC's and the Gateway's own defaults) used when a flag is not given. */
function defaults(home: string) {
  return {
    ibcPath: '/opt/ibc',
    gatewayPath: path.join(home, 'Jts', 'ibgateway', '1030'),
    ibcIni: path.join(home, 'ibc', 'config.ini'),
    dataRoot: path.join(home, '.local', 'share', 'ibloop'),
  };
}

/** Resolves and checks every path of the install; throws ServicePathError naming the flag. */
export function planService(input: ServicePathInput, options: PlanOptions): ServicePlan {
  const home = options.home ?? os.homedir();
  const configHome = options.configHome || path.join(home, '.config');
  const d = defaults(home);
  const pick = (flag: string, value: string | undefined, fallback: string): string => {
    const parsed = absolute.safeParse(value ?? fallback);
    if (!parsed.success) throw new ServicePathError(flag, `must be an absolute path, got "${value}"`);
    return path.normalize(parsed.data);
  };
  const ibcPath = pick('--ibc-path', input.ibcPath, d.ibcPath);
  const gatewayPath = pick('--gateway-path', input.gatewayPath, d.gatewayPath);
  const ibcIni = pick('--ibc-ini', input.ibcIni, d.ibcIni);
  const dataRoot = pick('--data-root', input.dataRoot, d.dataRoot);
  const envFile = pick('--environment-file', input.envFile, path.join(configHome, 'ibloop', 'ibloop.env'));
  if (!/^\d+$/.test(path.basename(gatewayPath))) {
    throw new ServicePathError(
      '--gateway-path',
      `must be the Gateway's install folder ending in its major version (e.g. ~/Jts/ibgateway/1030), got "${gatewayPath}"`,
    );
  }
  const appRoot = options.appRoot ?? appRootOf();
  const xvfbRun = options.xvfbRun ?? findOnPath('xvfb-run') ?? '/usr/bin/xvfb-run';
  const plan: ServicePlan = {
    unitDir: path.join(configHome, 'systemd', 'user'),
    envFile,
    dataRoot,
    nodePath: options.nodePath ?? process.execPath,
    appRoot,
    xvfbRun,
    ibcPath,
    ibcIni,
    gatewayPath,
  };
  if (options.mustExist) checkExisting(plan);
  return plan;
}

function checkExisting(plan: ServicePlan): void {
  const need = (flag: string, file: string, kind: 'file' | 'dir', hint: string) => {
    const ok = existsSync(file) && (kind === 'dir' ? statSync(file).isDirectory() : statSync(file).isFile());
    if (!ok) throw new ServicePathError(flag, `${file} does not exist${hint ? ` (${hint})` : ''}`);
  };
  need('--ibc-path', ibcStartScript(plan), 'file', 'IBC install folder with scripts/ibcstart.sh');
  need('--gateway-path', plan.gatewayPath, 'dir', '');
  need('--ibc-ini', plan.ibcIni, 'file', '');
  need('xvfb-run', plan.xvfbRun, 'file', 'install the xvfb package');
  need('ibloop', mainScript(plan), 'file', 'run `npm run build` first');
}

function ibcStartScript(plan: ServicePlan): string {
  return path.join(plan.ibcPath, 'scripts', 'ibcstart.sh');
}

function mainScript(plan: ServicePlan): string {
  return path.join(plan.appRoot, 'dist', 'cli', 'main.js');
}

/** The package root: this file is src/ops/units.ts or dist/ops/units.js. */
function appRootOf(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
}

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, binary))) return path.join(dir, binary);
  }
  return undefined;
}

/** systemd splits ExecStart on spaces; paths with spaces or specials are quoted. */
function arg(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The environment file line for a value; systemd unquotes double-quoted values. */
function envLine(key: string, value: string): string {
  return `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Every file `service install` writes, in order, with its content and mode. */
export function renderService(plan: ServicePlan): PlannedFile[] {
  const main = mainScript(plan);
  const twsVersion = path.basename(plan.gatewayPath);
  const twsPath = path.dirname(path.dirname(plan.gatewayPath));
  const unit = (name: string, content: string): PlannedFile => ({
    path: path.join(plan.unitDir, name),
    content,
    mode: 0o644,
    keepIfExists: false,
  });
  return [
    {
      path: plan.envFile,
      content: [
        '# ibloop settings for the systemd units (owner-only: it may hold secrets).',
        '# Other settings (IBLOOP_SECRET_KEY, DATABASE_URL, ...) can be added here; see docs/deploy.md.',
        envLine('DATA_ROOT', plan.dataRoot),
        envLine('NODE_ENV', 'production'),
        '',
      ].join('\n'),
      mode: 0o600,
      keepIfExists: true,
    },
    unit(
      UNIT_NAMES.gateway,
      [
        '[Unit]',
        'Description=IB Gateway through IBC under a virtual display',
        '',
        '[Service]',
        'Type=simple',
        // The IB password lives in IBC's ini (owner-only), never in this unit.
        `ExecStart=${[
          plan.xvfbRun,
          '-a',
          ibcStartScript(plan),
          twsVersion,
          '--gateway',
          `--tws-path=${twsPath}`,
          `--ibc-path=${plan.ibcPath}`,
          `--ibc-ini=${plan.ibcIni}`,
        ]
          .map(arg)
          .join(' ')}`,
        // IBC restarts the Gateway itself at the daily restart time; a crash is restarted here.
        'Restart=on-failure',
        'RestartSec=30',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
    ),
    unit(
      UNIT_NAMES.ibloop,
      [
        '[Unit]',
        'Description=ibloop trading server',
        `After=${UNIT_NAMES.gateway}`,
        `Wants=${UNIT_NAMES.gateway}`,
        '',
        '[Service]',
        'Type=simple',
        `EnvironmentFile=${arg(plan.envFile)}`,
        `WorkingDirectory=${arg(plan.appRoot)}`,
        `ExecStart=${[plan.nodePath, main, 'serve'].map(arg).join(' ')}`,
        'Restart=on-failure',
        'RestartSec=10',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
    ),
    unit(
      UNIT_NAMES.backup,
      [
        '[Unit]',
        'Description=ibloop database backup',
        '',
        '[Service]',
        'Type=oneshot',
        `EnvironmentFile=${arg(plan.envFile)}`,
        `WorkingDirectory=${arg(plan.appRoot)}`,
        `ExecStart=${[plan.nodePath, main, 'db', 'backup', '--keep', String(DEFAULT_BACKUP_KEEP)].map(arg).join(' ')}`,
        '',
      ].join('\n'),
    ),
    unit(
      UNIT_NAMES.backupTimer,
      [
        '[Unit]',
        'Description=daily ibloop database backup',
        '',
        '[Timer]',
        'OnCalendar=*-*-* 03:30:00',
        // A machine that was off at that time backs up when it comes back.
        'Persistent=true',
        'RandomizedDelaySec=10min',
        '',
        '[Install]',
        'WantedBy=timers.target',
        '',
      ].join('\n'),
    ),
  ];
}

/** What to run after install, printed for the user. */
export function serviceInstructions(): string {
  return [
    'next steps:',
    '  loginctl enable-linger $USER    # keep user services running after logout and start them at boot',
    '  systemctl --user daemon-reload',
    `  systemctl --user enable --now ${UNIT_NAMES.gateway} ${UNIT_NAMES.ibloop} ${UNIT_NAMES.backupTimer}`,
    `  ibloop service status`,
  ].join('\n');
}

/**
 * Writes the files (or, for a dry run, returns each path with the content it would get). Returns the
 * lines to print, file by file.
 */
export function writeServiceFiles(files: PlannedFile[], options: { dryRun: boolean }): string[] {
  const out: string[] = [];
  for (const file of files) {
    const mode = `0${file.mode.toString(8)}`;
    const kept = file.keepIfExists && existsSync(file.path);
    if (options.dryRun) {
      out.push(
        kept
          ? `# ${file.path} exists: kept as it is (mode set to ${mode})`
          : `# ${file.path} (mode ${mode})\n${file.content}`,
      );
      continue;
    }
    mkdirSync(path.dirname(file.path), { recursive: true, mode: 0o700 });
    if (!kept) writeFileSync(file.path, file.content, { mode: file.mode });
    // writeFileSync's mode applies only to a new file; an existing one is narrowed here.
    chmodSync(file.path, file.mode);
    out.push(`${kept ? 'kept' : 'wrote'} ${file.path} (mode ${mode})`);
  }
  return out;
}
