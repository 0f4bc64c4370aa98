import { Alert, Card, Empty, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type Project, type TradeRun } from '../../api';
import { errorText, type Failure } from '../../components/errorText';
import { renderEnum } from '../../i18n/messages';
import { decisionsApi, type Snapshot, type SnapshotSummary } from './decisions-api';
import { SnapshotLink } from './links';
import { latestCurrent, projectSnapshotsPath, shortHash } from './model';

interface SignalVersion {
  project: Pick<Project, 'id' | 'name'>;
  snapshot: Pick<Snapshot, 'id' | 'tradingDate' | 'kind' | 'modelVersion' | 'projectVersion'>;
  /** The completed run that traded it; null while it is only frozen. */
  runId: number | null;
}

/**
 * A project's live signal version: the snapshot its newest completed run traded, or, before any
 * run completed, its newest current (not superseded) frozen snapshot.
 */
async function signalVersion(
  project: Pick<Project, 'id' | 'name'>,
  runs: readonly TradeRun[],
): Promise<SignalVersion | null> {
  const traded = runs
    .filter((run) => run.status === 'COMPLETED' && run.projectId === project.id && run.snapshotId !== null)
    .sort((a, b) =>
      a.tradingDate === b.tradingDate ? b.id - a.id : a.tradingDate < b.tradingDate ? 1 : -1,
    )[0];
  if (traded?.snapshotId)
    return { project, snapshot: await decisionsApi.snapshot(traded.snapshotId), runId: traded.id };
  const frozen: SnapshotSummary | null = latestCurrent(
    (await decisionsApi.projectSnapshots(project.id)).snapshots,
  );
  return frozen ? { project, snapshot: frozen, runId: null } : null;
}

/** 实盘信号版本: per project, the decision live trading follows, kept apart from any backtest. */
export function SignalVersionCard({ project }: { project: Project | null }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<SignalVersion[] | null>(null);
  const [error, setError] = useState<Failure | null>(null);

  useEffect(() => {
    let current = true;
    setRows(null);
    (async () => {
      const [projects, runs] = await Promise.all([
        project ? Promise.resolve([project]) : api.listProjects().then((answer) => answer.projects),
        decisionsApi.runs().then((answer) => answer.runs),
      ]);
      const versions = await Promise.all(projects.map((p) => signalVersion(p, runs)));
      return versions.filter((v): v is SignalVersion => v !== null);
    })()
      .then((found) => current && setRows(found))
      .catch((reason: unknown) => current && setError({ reason }));
    return () => {
      current = false;
    };
  }, [project]);

  const columns: ColumnsType<SignalVersion> = [
    {
      title: t('decisions.fields.project'),
      render: (_: unknown, row) => (
        <Link to={projectSnapshotsPath(row.project.id)} data-testid={`signal-project-${row.project.id}`}>
          {row.project.name}
        </Link>
      ),
    },
    {
      title: t('decisions.signal.snapshot'),
      render: (_: unknown, row) => (
        <SnapshotLink id={row.snapshot.id} testId={`signal-snapshot-${row.project.id}`} />
      ),
    },
    { title: t('decisions.fields.tradingDate'), render: (_: unknown, row) => row.snapshot.tradingDate },
    {
      title: t('decisions.fields.modelVersion'),
      render: (_: unknown, row) =>
        row.snapshot.modelVersion ? (
          <Tooltip title={row.snapshot.modelVersion}>
            <span className="mono">{shortHash(row.snapshot.modelVersion)}</span>
          </Tooltip>
        ) : (
          <Tag>{renderEnum('snapshotKind', row.snapshot.kind)}</Tag>
        ),
    },
    {
      title: t('decisions.fields.projectVersion'),
      render: (_: unknown, row) => <span className="mono">v{row.snapshot.projectVersion}</span>,
    },
    {
      title: t('decisions.signal.status'),
      render: (_: unknown, row) =>
        row.runId !== null ? (
          <Tag color="green">{t('decisions.signal.traded', { run: row.runId })}</Tag>
        ) : (
          <Tag color="gold">{t('decisions.signal.frozen')}</Tag>
        ),
    },
  ];

  return (
    <Card
      size="small"
      className="content-card"
      data-testid="signal-version"
      title={
        <span>
          {t('decisions.signal.title')} <Tag color="magenta">{t('decisions.signal.badge')}</Tag>
        </span>
      }
      extra={
        project ? (
          <Link to={projectSnapshotsPath(project.id)} data-testid="signal-all-snapshots">
            {t('decisions.signal.all')}
          </Link>
        ) : null
      }
    >
      <Typography.Paragraph type="secondary">{t('decisions.signal.hint')}</Typography.Paragraph>
      {error ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(error.reason) })} />
      ) : (
        <Table<SignalVersion>
          rowKey={(row) => row.project.id}
          size="small"
          loading={rows === null}
          columns={columns}
          dataSource={rows ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description={t('decisions.signal.none')} /> }}
        />
      )}
    </Card>
  );
}
