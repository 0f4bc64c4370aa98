import { spawnSync } from 'node:child_process';
import { UNIT_NAMES } from './units.js';

export const STATUS_PROPERTIES = [
  'LoadState',
  'ActiveState',
  'SubState',
  'UnitFileState',
  'MainPID',
  'ExecMainStartTimestamp',
  'NRestarts',
] as const;

export type UnitStatus = { unit: string } & Partial<Record<(typeof STATUS_PROPERTIES)[number], string>>;

export type StatusResult =
  | { ok: true; units: UnitStatus[] }
  | { ok: false; reason: 'no-systemctl' | 'systemctl-failed'; message: string };

/** Both units' state from `systemctl --user show`; a clear reason when systemctl cannot tell. */
export function serviceStatus(systemctl = 'systemctl'): StatusResult {
  const units = [UNIT_NAMES.gateway, UNIT_NAMES.ibloop, UNIT_NAMES.backupTimer];
  const result = spawnSync(systemctl, ['--user', 'show', '-p', STATUS_PROPERTIES.join(','), ...units], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? {
          ok: false,
          reason: 'no-systemctl',
          message:
            'systemctl is not available on this machine: the services need systemd (see docs/deploy.md)',
        }
      : { ok: false, reason: 'systemctl-failed', message: `systemctl: ${result.error.message}` };
  }
  if (result.status !== 0) {
    return {
      ok: false,
      reason: 'systemctl-failed',
      message: `systemctl --user show failed (exit ${result.status}): ${result.stderr.trim() || 'no output'} (is a user session bus running? try loginctl enable-linger $USER)`,
    };
  }
  // One block of Key=Value lines per unit, in the order asked, separated by blank lines.
  const blocks = result.stdout.trim().split(/\n\s*\n/);
  return {
    ok: true,
    units: units.map((unit, i) => {
      const status: UnitStatus = { unit };
      for (const line of (blocks[i] ?? '').split('\n')) {
        const eq = line.indexOf('=');
        const key = line.slice(0, eq) as (typeof STATUS_PROPERTIES)[number];
        if (eq > 0 && STATUS_PROPERTIES.includes(key)) status[key] = line.slice(eq + 1);
      }
      return status;
    }),
  };
}

export function formatStatus(units: UnitStatus[]): string {
  return units
    .map((u) => {
      const state = `${u.ActiveState ?? '?'} (${u.SubState ?? '?'})`;
      const extra = [
        u.LoadState && u.LoadState !== 'loaded' ? `load: ${u.LoadState}` : '',
        u.UnitFileState ? `enabled: ${u.UnitFileState}` : '',
        u.MainPID && u.MainPID !== '0' ? `pid ${u.MainPID}` : '',
        u.ExecMainStartTimestamp ? `since ${u.ExecMainStartTimestamp}` : '',
        u.NRestarts && u.NRestarts !== '0' ? `restarts ${u.NRestarts}` : '',
      ].filter(Boolean);
      return `${u.unit.padEnd(22)} ${state}${extra.length ? `  ${extra.join(', ')}` : ''}`;
    })
    .join('\n');
}
