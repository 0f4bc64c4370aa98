import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Select, Space, Table, Tag, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { actorName } from '../../../../../src/contract/actor-texts';
import { api, type Project } from '../../../api';
import { PageHeader, PageLoading } from '../../../components';
import { errorText, type Failure } from '../../../components/errorText';
import { currentLanguage } from '../../../i18n';
import { renderEnum } from '../../../i18n/messages';
import { decisionsApi, type Snapshot, type SnapshotSummary } from '../decisions-api';
import { SnapshotLink } from '../links';
import { byDateDesc, shortHash, snapshotPath } from '../model';
import { SnapshotView } from './SnapshotView';

const positiveId = (value: string | null | undefined): number | null => {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : null;
};

function Frame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title={t('decisions.title')}
        subtitle={t('decisions.subtitle')}
        extra={
          <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/live')}>
            {t('decisions.back')}
          </Button>
        }
      />
      {children}
    </>
  );
}

/** A run that traded without a snapshot: no request failed, but there is nothing to show either. */
const NO_SNAPSHOT = 'noSnapshot';

/** Why a page has nothing to show, kept untranslated so the text follows a language switch. */
type Problem = Failure | typeof NO_SNAPSHOT;

function Failed({ problem }: { problem: Problem }) {
  const { t } = useTranslation();
  const message = problem === NO_SNAPSHOT ? t('decisions.link.none') : errorText(problem.reason);
  return (
    <Alert
      type="error"
      showIcon
      className="page-notice"
      data-testid="snapshot-error"
      title={t('common.loadFailed', { message })}
    />
  );
}

interface Loaded {
  snapshot: Snapshot;
  projectName: string | null;
  supersededBy: number | null;
}

/** `/live/snapshots/:id`: one snapshot, with its project's name and what superseded it. */
export function SnapshotPage() {
  const id = positiveId(useParams().id);
  const [state, setState] = useState<Loaded | { error: Failure } | null>(null);
  useEffect(() => {
    if (id === null) return;
    let current = true;
    setState(null);
    (async (): Promise<Loaded> => {
      const snapshot = await decisionsApi.snapshot(id);
      const [project, list] = await Promise.all([
        api.getProject(snapshot.projectId).catch(() => null),
        decisionsApi.projectSnapshots(snapshot.projectId),
      ]);
      const next = list.snapshots.find((s) => s.supersedesId === snapshot.id) ?? null;
      return { snapshot, projectName: project?.project.name ?? null, supersededBy: next?.id ?? null };
    })()
      .then((loaded) => current && setState(loaded))
      .catch((reason: unknown) => current && setState({ error: { reason } }));
    return () => {
      current = false;
    };
  }, [id]);
  if (id === null) return <Navigate to="/live/snapshots" replace />;
  return (
    <Frame>
      {state === null ? (
        <PageLoading />
      ) : 'error' in state ? (
        <Failed problem={state.error} />
      ) : (
        <SnapshotView {...state} />
      )}
    </Frame>
  );
}

/** `/live/runs/:runId/snapshot`: the snapshot a run traded (links from fills and orders know only the run). */
export function RunSnapshotPage() {
  const runId = positiveId(useParams().runId);
  const [target, setTarget] = useState<number | { error: Problem } | null>(null);
  useEffect(() => {
    if (runId === null) return;
    let current = true;
    decisionsApi
      .run(runId)
      .then((detail) => {
        const { snapshotId } = detail.run;
        if (current) setTarget(snapshotId ?? { error: NO_SNAPSHOT });
      })
      .catch((reason: unknown) => current && setTarget({ error: { reason } }));
    return () => {
      current = false;
    };
  }, [runId]);
  if (runId === null) return <Navigate to="/live" replace />;
  if (typeof target === 'number') return <Navigate to={snapshotPath(target)} replace />;
  return <Frame>{target === null ? <PageLoading /> : <Failed problem={target.error} />}</Frame>;
}

/** `/live/snapshots?project=ID`: a project's snapshots, newest first. */
export function SnapshotListPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const projectId = positiveId(params.get('project'));
  const [projects, setProjects] = useState<Project[]>([]);
  const [rows, setRows] = useState<SnapshotSummary[] | null>(null);
  const [error, setError] = useState<Failure | null>(null);

  useEffect(() => {
    api
      .listProjects()
      .then((answer) => setProjects(answer.projects))
      .catch((reason: unknown) => setError({ reason }));
  }, []);
  useEffect(() => {
    setRows(null);
    setError(null);
    if (projectId === null) return;
    let current = true;
    decisionsApi
      .projectSnapshots(projectId)
      .then((answer) => current && setRows([...answer.snapshots].sort(byDateDesc)))
      .catch((reason: unknown) => current && setError({ reason }));
    return () => {
      current = false;
    };
  }, [projectId]);

  const columns: ColumnsType<SnapshotSummary> = [
    { title: 'ID', render: (_: unknown, s) => <SnapshotLink id={s.id} testId={`snapshot-row-${s.id}`} /> },
    { title: t('decisions.fields.tradingDate'), dataIndex: 'tradingDate' },
    {
      title: t('decisions.fields.kind'),
      render: (_: unknown, s) => <Tag>{renderEnum('snapshotKind', s.kind)}</Tag>,
    },
    {
      title: t('decisions.fields.dataSource'),
      render: (_: unknown, s) => renderEnum('snapshotSource', s.dataSource),
    },
    {
      title: t('decisions.fields.modelVersion'),
      render: (_: unknown, s) =>
        s.modelVersion ? (
          <Tooltip title={s.modelVersion}>
            <span className="mono">{shortHash(s.modelVersion)}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('decisions.fields.projectVersion'),
      render: (_: unknown, s) => <span className="mono">v{s.projectVersion}</span>,
    },
    { title: t('decisions.fields.symbols'), dataIndex: 'symbols', align: 'right' },
    {
      title: t('decisions.list.status'),
      render: (_: unknown, s) =>
        s.superseded ? (
          <Tag color="warning">{t('decisions.lineage.superseded')}</Tag>
        ) : (
          <Tag color="green">{t('decisions.lineage.current')}</Tag>
        ),
    },
    {
      title: t('decisions.fields.contentHash'),
      render: (_: unknown, s) => (
        <Tooltip title={s.contentHash}>
          <span className="mono">{shortHash(s.contentHash)}</span>
        </Tooltip>
      ),
    },
    {
      title: t('decisions.fields.createdBy'),
      dataIndex: 'createdBy',
      render: (actor: string) => actorName(actor, currentLanguage()),
    },
  ];

  return (
    <Frame>
      <Card size="small" className="content-card" title={t('decisions.list.title')}>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Select
            style={{ minWidth: 280 }}
            placeholder={t('decisions.list.pickProject')}
            data-testid="snapshot-list-project"
            value={projectId ?? undefined}
            onChange={(next: number) => setParams({ project: String(next) })}
            options={projects.map((p) => ({ value: p.id, label: p.name }))}
          />
          {error ? <Failed problem={error} /> : null}
          {projectId === null ? (
            <Empty description={t('decisions.list.pick')} />
          ) : (
            <Table<SnapshotSummary>
              data-testid="snapshot-list"
              rowKey="id"
              size="small"
              loading={rows === null && error === null}
              columns={columns}
              dataSource={rows ?? []}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              locale={{ emptyText: <Empty description={t('decisions.list.empty')} /> }}
            />
          )}
        </Space>
      </Card>
    </Frame>
  );
}
