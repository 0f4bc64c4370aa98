import { Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TradeRun } from '../../api';
import { runSnapshotPath, snapshotPath } from './model';

/** "Snapshot #12", linking to the snapshot view. */
export function SnapshotLink({ id, testId }: { id: number; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Link to={snapshotPath(id)} data-testid={testId} onClick={(event) => event.stopPropagation()}>
      {t('decisions.snapshotN', { id })}
    </Link>
  );
}

/** A run's snapshot (runs from before snapshots have none, and say so). */
export function RunSnapshotLink({ run, testId }: { run: Pick<TradeRun, 'snapshotId'>; testId?: string }) {
  const { t } = useTranslation();
  const { snapshotId } = run;
  if (snapshotId === null)
    return <Typography.Text type="secondary">{t('decisions.link.none')}</Typography.Text>;
  return <SnapshotLink id={snapshotId} {...(testId ? { testId } : {})} />;
}

/** Where only the run id is at hand (fills, orders elsewhere): the view resolves the run's snapshot. */
export function RunIdSnapshotLink({ runId }: { runId: number }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('decisions.link.open')}>
      <Link to={runSnapshotPath(runId)} data-testid={`run-snapshot-link-${runId}`}>
        {t('decisions.runN', { id: runId })}
      </Link>
    </Tooltip>
  );
}
