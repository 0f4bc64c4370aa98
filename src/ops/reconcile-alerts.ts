/**
 * A reconciliation that finds differences is not a success: it finished, but a person must look.
 * The execution engine records each reconciliation in the audit log; this turns one with missing
 * orders, foreign orders or position differences into a `reconcile.differences` warning alert.
 */
import { type AlertTarget, enqueueAlert } from '../alerts/index.js';
import type { AuditLog, AuditRecord } from '../audit/index.js';
import type { ReconcileCounts } from '../contract/alert-texts.js';

const COUNTED = ['missing', 'foreign', 'positionDiffs'] as const;

/** How many differences a reconciliation's audit record reports (0 when it is not one). */
export function reconcileDifferences(record: Pick<AuditRecord, 'action' | 'after'>): number {
  if (record.action !== 'execution.reconcile.ok') return 0;
  const after = (record.after ?? {}) as Record<string, unknown>;
  return COUNTED.reduce((sum, key) => sum + (typeof after[key] === 'number' ? (after[key] as number) : 0), 0);
}

/** The counts by kind, so each language names them (the alert's `detail` keeps them in English). */
function countsOf(after: Record<string, unknown>): ReconcileCounts {
  const count = (key: (typeof COUNTED)[number]) =>
    typeof after[key] === 'number' ? (after[key] as number) : 0;
  return { missing: count('missing'), foreign: count('foreign'), positionDiffs: count('positionDiffs') };
}

export function watchReconciliations(
  ctx: AlertTarget & { audit: Pick<AuditLog, 'onAppend'> },
  logger: { error(obj: object, msg: string): void },
): () => void {
  return ctx.audit.onAppend((record) => {
    const differences = reconcileDifferences(record);
    if (differences === 0) return;
    const after = (record.after ?? {}) as Record<string, unknown>;
    const detail = COUNTED.filter((key) => Number(after[key] ?? 0) > 0)
      .map((key) => `${key} ${Number(after[key])}`)
      .join(', ');
    enqueueAlert(ctx, {
      kind: 'reconcile.differences',
      dedupeKey: 'reconcile',
      params: { reason: String(after.reason ?? 'unknown'), differences, detail, counts: countsOf(after) },
    }).catch((error: unknown) =>
      logger.error({ err: error, audit: record.id }, 'could not record a reconciliation alert'),
    );
  });
}
