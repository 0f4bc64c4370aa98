import { SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Alert,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { actorName } from '../../../../../src/contract/actor-texts';
import type { BacktestSummary, ModelSummary } from '../../../api';
import { errorText, type Failure } from '../../../components/errorText';
import { RecordView } from '../../../components/RecordView';
import { currentLanguage } from '../../../i18n';
import { renderEnum, renderMessage } from '../../../i18n/messages';
import { causeText } from '../../risk/cause';
import { CheckButton } from '../CheckButton';
import { decisionsApi, type Snapshot, type SnapshotContent, type SnapshotVerify } from '../decisions-api';
import { SnapshotLink } from '../links';
import {
  formatScore,
  formatWeight,
  type ScoreRow,
  scoreRows,
  sectorWeights,
  shortHash,
  type WeightRow,
  weightRows,
} from '../model';
import { SectorWeightsChart } from './SectorWeightsChart';

const byNumber =
  <T,>(pick: (row: T) => number | null) =>
  (a: T, b: T) =>
    (pick(a) ?? Number.NEGATIVE_INFINITY) - (pick(b) ?? Number.NEGATIVE_INFINITY);
const byText =
  <T,>(pick: (row: T) => string) =>
  (a: T, b: T) =>
    pick(a).localeCompare(pick(b));

/** The symbol, sector and score columns that the weights and the scores tables share. */
function symbolColumns<T extends { symbol: string; sector: string; score: number | null }>(
  t: TFunction,
  none: string,
): ColumnsType<T> {
  return [
    {
      title: t('decisions.weights.symbol'),
      dataIndex: 'symbol',
      sorter: byText<T>((r) => r.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('decisions.weights.sector'),
      sorter: byText<T>((r) => r.sector),
      render: (_: unknown, r: T) => sectorText(r.sector, none),
    },
    {
      title: t('decisions.weights.score'),
      align: 'right',
      sorter: byNumber<T>((r) => r.score),
      render: (_: unknown, r: T) => <span className="mono">{formatScore(r.score)}</span>,
    },
  ];
}

function Hash({ value, testId }: { value: string | null; testId?: string }) {
  if (!value) return <span>—</span>;
  return (
    <Tooltip title={value}>
      <Typography.Text className="mono" copyable={{ text: value }} data-testid={testId} data-hash={value}>
        {shortHash(value)}
      </Typography.Text>
    </Tooltip>
  );
}

function sectorText(sector: string, none: string): string {
  return sector ? renderEnum('gicsSector', sector) : none;
}

/** Verifies on open (an edited row shows at once) and again on demand. */
function VerifyBadge({ id }: { id: number }) {
  const { t } = useTranslation();
  const load = useCallback(() => decisionsApi.verify(id), [id]);
  const problem = (code: string) => {
    const [name, column] = code.split(':');
    if (name === 'COLUMN_MISMATCH') return t('decisions.verify.problems.COLUMN_MISMATCH', { column });
    if (name === 'HASH_MISMATCH' || name === 'CONTENT_INVALID') return t(`decisions.verify.problems.${name}`);
    return code;
  };
  return (
    <CheckButton
      icon={<SafetyCertificateOutlined />}
      label={t('decisions.verify.button')}
      testId="snapshot-verify"
      load={load}
      immediate
      render={(result: SnapshotVerify) =>
        result.ok ? (
          <Alert
            type="success"
            showIcon
            data-testid="snapshot-verified"
            data-verified="true"
            title={t('decisions.verify.verified')}
          />
        ) : (
          <Alert
            type="error"
            showIcon
            data-testid="snapshot-verified"
            data-verified="false"
            title={t('decisions.verify.tampered')}
            description={
              <Descriptions size="small" column={1}>
                <Descriptions.Item label={t('decisions.verify.storedHash')}>
                  <Hash value={result.storedHash} />
                </Descriptions.Item>
                <Descriptions.Item label={t('decisions.verify.computedHash')}>
                  <Hash value={result.computedHash || null} />
                </Descriptions.Item>
                <Descriptions.Item label="">{result.problems.map(problem).join(' · ')}</Descriptions.Item>
              </Descriptions>
            }
          />
        )
      }
    />
  );
}

/** Manual, fallback and re-decision provenance: where the decision came from and what replaced what. */
function Provenance({ snapshot, supersededBy }: { snapshot: Snapshot; supersededBy: number | null }) {
  const { t, i18n } = useTranslation();
  const c = snapshot.content;
  return (
    <>
      {c.manual ? (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          data-testid="snapshot-manual"
          title={t('decisions.manual.title')}
          description={
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('decisions.manual.fileHash')}>
                <Hash value={c.manual.fileHash} testId="snapshot-file-hash" />
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.manual.actor')}>
                <span data-testid="snapshot-manual-actor">
                  {actorName(c.manual.actor, currentLanguage())}
                </span>
              </Descriptions.Item>
            </Descriptions>
          }
        />
      ) : null}
      {c.fallback ? (
        <Alert
          type="warning"
          showIcon
          className="page-notice"
          data-testid="snapshot-fallback"
          title={t('decisions.fallback.title')}
          description={
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('decisions.fallback.source')}>
                <SnapshotLink id={c.fallback.sourceSnapshotId} testId="snapshot-fallback-source" />{' '}
                <Hash value={c.fallback.sourceHash} />
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fallback.reason')}>
                <span title={c.fallback.reason} data-testid="snapshot-fallback-reason">
                  {c.fallback.reasonText ? renderMessage(c.fallback.reasonText) : c.fallback.reason}
                </span>
              </Descriptions.Item>
            </Descriptions>
          }
        />
      ) : null}
      {c.defensive ? (
        <Alert
          type="warning"
          showIcon
          className="page-notice"
          data-testid="snapshot-defensive"
          title={t('decisions.defensive.title')}
          description={
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('decisions.defensive.action')}>
                {renderEnum('defensiveAction', c.defensive.action)}
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.defensive.symbol')}>
                <span className="mono">{c.defensive.symbol ?? '—'}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.defensive.halt')}>
                <span className="mono">{c.defensive.haltKey}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.defensive.reason')}>
                <span data-testid="snapshot-defensive-reason">
                  {c.defensive.cause ? causeText(t, c.defensive.cause, i18n.language) : c.defensive.reason}
                </span>
              </Descriptions.Item>
            </Descriptions>
          }
        />
      ) : null}
      {c.supersedes || supersededBy !== null ? (
        <Alert
          type={supersededBy !== null ? 'warning' : 'info'}
          showIcon
          className="page-notice"
          data-testid="snapshot-lineage"
          title={t('decisions.lineage.title')}
          description={
            <Descriptions size="small" column={1}>
              {c.supersedes ? (
                <Descriptions.Item label={t('decisions.lineage.supersedes')}>
                  <SnapshotLink id={c.supersedes.id} testId="snapshot-supersedes" />{' '}
                  <Hash value={c.supersedes.hash} />
                  {' · '}
                  {t('decisions.lineage.reason')}: {c.supersedes.reason}
                </Descriptions.Item>
              ) : null}
              {supersededBy !== null ? (
                <Descriptions.Item label={t('decisions.lineage.supersededBy')}>
                  <SnapshotLink id={supersededBy} testId="snapshot-superseded-by" />
                </Descriptions.Item>
              ) : null}
            </Descriptions>
          }
        />
      ) : null}
    </>
  );
}

/** The model the decision used and the backtests of the same project parameter version. */
function ModelAndBacktests({ snapshot }: { snapshot: Snapshot }) {
  const { t } = useTranslation();
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [backtests, setBacktests] = useState<BacktestSummary[] | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  useEffect(() => {
    let current = true;
    Promise.all([decisionsApi.models(snapshot.projectId), decisionsApi.backtests(snapshot.projectId)])
      .then(([m, b]) => {
        if (!current) return;
        setModels(m.models);
        setBacktests(b.backtests.filter((bt) => bt.projectVersion === snapshot.projectVersion));
      })
      .catch((reason: unknown) => current && setError({ reason }));
    return () => {
      current = false;
    };
  }, [snapshot.projectId, snapshot.projectVersion]);
  const model = models?.find((m) => m.version === snapshot.modelVersion) ?? null;
  const columns: ColumnsType<BacktestSummary> = [
    {
      title: 'ID',
      dataIndex: 'id',
      render: (id: number) => (
        <Link to={`/backtests?report=${id}`} data-testid={`snapshot-backtest-${id}`}>
          #{id}
        </Link>
      ),
    },
    { title: t('decisions.model.period'), render: (_: unknown, b) => `${b.start} ~ ${b.end}` },
    {
      title: t('decisions.fields.modelVersion'),
      render: (_: unknown, b) => (
        <Space size={4}>
          <span className="mono">{shortHash(b.modelVersion)}</span>
          {b.modelVersion === snapshot.modelVersion ? <Tag color="blue">=</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('decisions.model.annual'),
      align: 'right',
      render: (_: unknown, b) => formatWeight(b.stats.cagr),
    },
    {
      title: t('decisions.model.sharpe'),
      align: 'right',
      render: (_: unknown, b) => b.stats.sharpe.toFixed(2),
    },
  ];
  return (
    <Card size="small" title={t('decisions.model.title')} data-testid="snapshot-model">
      {error ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(error.reason) })} />
      ) : null}
      {snapshot.modelVersion === null ? (
        <Typography.Paragraph type="secondary">{t('decisions.model.none')}</Typography.Paragraph>
      ) : model ? (
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('decisions.fields.modelVersion')}>
            <Hash value={model.version} testId="snapshot-model-version" />
          </Descriptions.Item>
          <Descriptions.Item label={t('decisions.model.family')}>{model.family}</Descriptions.Item>
          <Descriptions.Item label={t('decisions.model.trained')}>
            {model.firstDecision} ~ {model.lastDecision}
          </Descriptions.Item>
        </Descriptions>
      ) : models !== null ? (
        <Typography.Paragraph type="secondary">{t('decisions.model.missing')}</Typography.Paragraph>
      ) : null}
      <Typography.Text strong>
        {t('decisions.model.backtests', { version: snapshot.projectVersion })}
      </Typography.Text>{' '}
      <Link to="/backtests">{t('decisions.model.openAll')}</Link>
      <Table<BacktestSummary>
        rowKey="id"
        size="small"
        loading={backtests === null && error === null}
        columns={columns}
        dataSource={backtests ?? []}
        pagination={{ pageSize: 5, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('decisions.model.noBacktests')} /> }}
      />
    </Card>
  );
}

/** The view's per-symbol tables: one row a symbol, up to 50 a page. */
function SymbolTable<T extends { symbol: string }>({
  testId,
  columns,
  rows,
  empty,
}: {
  testId: string;
  columns: ColumnsType<T>;
  rows: readonly T[];
  empty: string;
}) {
  return (
    <Table<T>
      data-testid={testId}
      rowKey="symbol"
      size="small"
      columns={columns}
      dataSource={rows}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty description={empty} /> }}
    />
  );
}

function WeightsTab({ content }: { content: SnapshotContent }) {
  const { t } = useTranslation();
  const rows = useMemo(() => weightRows(content), [content]);
  const sectors = useMemo(() => sectorWeights(content), [content]);
  const none = t('decisions.noSector');
  const columns: ColumnsType<WeightRow> = [
    ...symbolColumns<WeightRow>(t, none),
    ...(['previous', 'before', 'after'] as const).map((key) => ({
      title: t(`decisions.weights.${key}`),
      align: 'right' as const,
      sorter: byNumber<WeightRow>((r) => r[key]),
      ...(key === 'after' ? { defaultSortOrder: 'descend' as const } : {}),
      render: (_: unknown, r: WeightRow) => <span className="mono">{formatWeight(r[key])}</span>,
    })),
    {
      title: t('decisions.weights.cut'),
      render: (_: unknown, r) =>
        r.cuts.length === 0
          ? '—'
          : r.cuts.map((reason) => (
              <Tag color="orange" key={reason} data-cut={reason}>
                {renderEnum('cutReason', reason)}
              </Tag>
            )),
    },
  ];
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <SymbolTable<WeightRow>
          testId="snapshot-weights"
          columns={columns}
          rows={rows}
          empty={t('decisions.weights.empty')}
        />
      </Col>
      <Col xs={24} xl={10}>
        <Typography.Text strong>{t('decisions.weights.bySector')}</Typography.Text>
        <SectorWeightsChart sectors={sectors} />
      </Col>
    </Row>
  );
}

function ScoresTab({ content }: { content: SnapshotContent }) {
  const { t } = useTranslation();
  const rows = useMemo(() => scoreRows(content), [content]);
  const none = t('decisions.noSector');
  const columns: ColumnsType<ScoreRow> = [
    {
      title: t('decisions.scores.rank'),
      dataIndex: 'rank',
      sorter: byNumber((r) => r.rank),
      defaultSortOrder: 'ascend',
    },
    ...symbolColumns<ScoreRow>(t, none),
    {
      title: t('decisions.scores.weight'),
      align: 'right',
      sorter: byNumber((r) => r.after),
      render: (_: unknown, r) => <span className="mono">{formatWeight(r.after)}</span>,
    },
  ];
  return (
    <SymbolTable<ScoreRow>
      testId="snapshot-scores"
      columns={columns}
      rows={rows}
      empty={t('decisions.scores.empty')}
    />
  );
}

type Digest = SnapshotContent['inputs'][number];
type Dropped = SnapshotContent['dropped'][number];

function InputsTab({ content }: { content: SnapshotContent }) {
  const { t } = useTranslation();
  const columns: ColumnsType<Digest> = [
    {
      title: t('decisions.weights.symbol'),
      dataIndex: 'symbol',
      sorter: byText((d) => d.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    { title: t('decisions.inputs.first'), dataIndex: 'first', sorter: byText((d) => d.first) },
    { title: t('decisions.inputs.last'), dataIndex: 'last', sorter: byText((d) => d.last) },
    { title: t('decisions.inputs.rows'), dataIndex: 'rows', align: 'right', sorter: byNumber((d) => d.rows) },
    { title: t('decisions.inputs.hash'), render: (_: unknown, d) => <Hash value={d.hash} /> },
  ];
  return (
    <SymbolTable<Digest>
      testId="snapshot-inputs"
      columns={columns}
      rows={content.inputs}
      empty={t('decisions.inputs.empty')}
    />
  );
}

function DroppedTab({ content }: { content: SnapshotContent }) {
  const { t } = useTranslation();
  const columns: ColumnsType<Dropped> = [
    {
      title: t('decisions.weights.symbol'),
      dataIndex: 'symbol',
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('decisions.dropped.reason'),
      render: (_: unknown, d) => <Tag color="red">{renderEnum('dropReason', d.reason)}</Tag>,
    },
    { title: t('decisions.dropped.lastBar'), render: (_: unknown, d) => d.lastBar ?? '—' },
  ];
  return (
    <SymbolTable<Dropped>
      testId="snapshot-dropped"
      columns={columns}
      rows={content.dropped}
      empty={t('decisions.dropped.empty')}
    />
  );
}

/** One decision snapshot: what was decided, on what, by which model, and whether it is intact. */
export function SnapshotView({
  snapshot,
  projectName,
  supersededBy,
}: {
  snapshot: Snapshot;
  projectName: string | null;
  supersededBy: number | null;
}) {
  const { t } = useTranslation();
  const c = snapshot.content;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        size="small"
        className="content-card"
        data-testid="snapshot-view"
        data-snapshot-id={snapshot.id}
        title={
          <Space wrap>
            <span>{t('decisions.snapshotN', { id: snapshot.id })}</span>
            <Tag color="blue" data-testid="snapshot-kind">
              {renderEnum('snapshotKind', snapshot.kind)}
            </Tag>
            {supersededBy !== null ? (
              <Tag color="warning">{t('decisions.lineage.superseded')}</Tag>
            ) : (
              <Tag color="green">{t('decisions.lineage.current')}</Tag>
            )}
          </Space>
        }
      >
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={16}>
            <Descriptions size="small" column={{ xs: 1, md: 2 }}>
              <Descriptions.Item label={t('decisions.fields.project')}>
                <Link to={`/projects?id=${snapshot.projectId}`}>
                  {projectName ?? `#${snapshot.projectId}`}
                </Link>
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.projectVersion')}>
                <span className="mono">v{snapshot.projectVersion}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.tradingDate')}>
                {snapshot.tradingDate}
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.asOf')}>{c.asOf}</Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.dataSource')}>
                <span data-testid="snapshot-source">{renderEnum('snapshotSource', snapshot.dataSource)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.modelVersion')}>
                <Hash value={snapshot.modelVersion} />
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.createdAt')}>
                {new Date(snapshot.createdAt).toLocaleString()}
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.createdBy')}>
                {actorName(snapshot.createdBy, currentLanguage())}
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.previous')}>
                {c.previousSnapshotId !== null ? (
                  <SnapshotLink id={c.previousSnapshotId} />
                ) : (
                  t('decisions.fields.none')
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('decisions.fields.contentHash')}>
                <Hash value={snapshot.contentHash} testId="snapshot-hash" />
              </Descriptions.Item>
            </Descriptions>
          </Col>
          <Col xs={24} lg={8}>
            <VerifyBadge id={snapshot.id} />
          </Col>
        </Row>
        <Provenance snapshot={snapshot} supersededBy={supersededBy} />
      </Card>
      <ModelAndBacktests snapshot={snapshot} />
      <Card size="small" className="content-card">
        <Tabs
          data-testid="snapshot-tabs"
          items={[
            { key: 'weights', label: t('decisions.tabs.weights'), children: <WeightsTab content={c} /> },
            {
              key: 'scores',
              label: t('decisions.tabs.scores', { count: Object.keys(c.scores).length }),
              children: <ScoresTab content={c} />,
            },
            {
              key: 'inputs',
              label: t('decisions.tabs.inputs', { count: c.inputs.length }),
              children: <InputsTab content={c} />,
            },
            {
              key: 'dropped',
              label: t('decisions.tabs.dropped', { count: c.dropped.length }),
              children: <DroppedTab content={c} />,
            },
            {
              key: 'params',
              label: t('decisions.tabs.params'),
              children: <RecordView value={c.params} empty="—" testId="snapshot-params" />,
            },
          ]}
        />
      </Card>
    </Space>
  );
}
