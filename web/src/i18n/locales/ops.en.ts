import { DOCTOR_TEXTS } from '../../../../src/contract/ops-texts';
import type { opsZhCN } from './ops.zh-CN';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** The doctor panel (English); same keys as ops.zh-CN.ts. */
export const opsEn: Widen<typeof opsZhCN> = {
  doctor: {
    title: 'System check',
    intro:
      'Checks the gateway, the database, disk space and backups, and explains each problem and its fix (the same as ibloop doctor).',
    run: 'Run the check',
    rerun: 'Check again',
    notRun: 'Not run yet. The check connects to the gateway and asks a few questions; it places no order.',
    checkedAt: 'Checked at {{time}}',
    overall: 'Overall',
    fix: 'Fix: ',
    failed: 'The check did not complete: {{message}}',
    columns: { check: 'Check', status: 'Result', detail: 'Details' },
  },
  checks: DOCTOR_TEXTS.en.checks,
  status: DOCTOR_TEXTS.en.status,
  codes: DOCTOR_TEXTS.en.codes,
};
