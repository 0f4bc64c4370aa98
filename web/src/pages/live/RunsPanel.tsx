import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { actorName } from '../../../../src/contract/actor-texts';
import type { RunDetail, TradeRun } from '../../api';
import { currentLanguage } from '../../i18n';
import { renderEnum } from '../../i18n/messages';
import { RunSnapshotLink } from '../decisions';
import { liveApi } from './live-api';
import {
  byNumber,
  byText,
  CLICKABLE_ROW_STYLE,
  errorText,
  failure,
  formatTime,
  type Loadable,
  PANEL_STYLE,
  PICKER_STYLE,
  RUN_STATUS_COLORS,
  SELECTED_ROW_STYLE,
} from './model';
import { RunDetailView } from './RunDetailView';

/** Runs still moving are re-read this often (the server publishes no execution events yet). */
const ACTIVE_POLL_MS = 3_000;

function isActive(run: TradeRun): boolean {
  return run.status !== 'COMPLETED' && run.status !== 'FAILED';
}

function fillShare(detail: RunDetail): number {
  const wanted = detail.orders.reduce((sum, o) => sum + o.quantity, 0);
  const filled = detail.orders.reduce((sum, o) => sum + o.filledQty, 0);
  return wanted === 0 ? 0 : Math.round((filled / wanted) * 1000) / 10;
}

/** Trade runs (newest first); picking one shows its orders, fills and target vs filled. */
export function RunsPanel({
  initialProject,
  canTrade,
}: {
  initialProject: string | null;
  canTrade: boolean;
}) {
  const { t } = useTranslation();
  const [runs, setRuns] = useState<Loadable<TradeRun[]>>({ kind: 'loading' });
  const [project, setProject] = useState<string | null>(initialProject);
  const [selected, setSelected] = useState<number | null>(null);
  const [detail, setDetail] = useState<Loadable<RunDetail> | null>(null);

  useEffect(() => setProject(initialProject), [initialProject]);

  const loadRuns = useCallback(() => {
    liveApi
      .runs()
      .then((answer) => setRuns({ kind: 'ready', data: answer.runs }))
      .catch((error: unknown) => setRuns(failure(error)));
  }, []);

  const loadDetail = useCallback((id: number) => {
    liveApi
      .run(id)
      .then((data) => setDetail({ kind: 'ready', data }))
      .catch((error: unknown) => setDetail(failure(error)));
  }, []);

  useEffect(loadRuns, [loadRuns]);
  useEffect(() => {
    if (selected === null) {
      setDetail(null);
      return;
    }
    setDetail({ kind: 'loading' });
    loadDetail(selected);
  }, [selected, loadDetail]);

  const anyActive = runs.kind === 'ready' && runs.data.some(isActive);
  useEffect(() => {
    if (!anyActive) return;
    const timer = window.setInterval(() => {
      loadRuns();
      if (selected !== null) loadDetail(selected);
    }, ACTIVE_POLL_MS);
    return () => window.clearInterval(timer);
  }, [anyActive, selected, loadRuns, loadDetail]);

  const projects = useMemo(
    () => (runs.kind === 'ready' ? [...new Set(runs.data.map((r) => r.project))].sort() : []),
    [runs],
  );
  const shown =
    runs.kind === 'ready' ? runs.data.filter((r) => project === null || r.project === project) : [];

  const columns: ColumnsType<TradeRun> = [
    { title: 'ID', dataIndex: 'id', sorter: byNumber((r) => r.id), defaultSortOrder: 'descend' },
    { title: t('liveTrading.runs.project'), dataIndex: 'project', sorter: byText((r) => r.project) },
    {
      title: t('liveTrading.runs.tradingDate'),
      dataIndex: 'tradingDate',
      sorter: byText((r) => r.tradingDate),
    },
    {
      title: t('liveTrading.runs.kind'),
      dataIndex: 'kind',
      render: (kind: TradeRun['kind']) => (
        <Tag color={kind === 'defensive' ? 'orange' : 'default'}>{renderEnum('runKind', kind)}</Tag>
      ),
    },
    {
      title: t('liveTrading.runs.mode'),
      dataIndex: 'mode',
      render: (mode: string) => (
        <Tag color={mode === 'live' ? 'red' : 'blue'}>{renderEnum('mode', mode)}</Tag>
      ),
    },
    {
      title: t('liveTrading.runs.status'),
      sorter: byText((r) => r.status),
      render: (_: unknown, r) => (
        <Tag color={RUN_STATUS_COLORS[r.status] ?? 'default'}>{renderEnum('runStatus', r.status)}</Tag>
      ),
    },
    {
      title: t('liveTrading.runs.symbols'),
      align: 'right',
      sorter: byNumber((r) => Object.keys(r.weights).length),
      render: (_: unknown, r) => <span className="mono">{Object.keys(r.weights).length}</span>,
    },
    {
      title: t('liveTrading.runs.createdBy'),
      dataIndex: 'createdBy',
      render: (actor: string) => actorName(actor, currentLanguage()),
    },
    {
      title: t('liveTrading.runs.created'),
      sorter: byText((r) => r.createdAt),
      render: (_: unknown, r) => formatTime(r.createdAt),
    },
    {
      title: t('liveTrading.runs.finished'),
      render: (_: unknown, r) => formatTime(r.finishedAt),
    },
    // Last: a click in the row's middle selects the run rather than following the link.
    {
      title: t('decisions.link.column'),
      render: (_: unknown, r) => <RunSnapshotLink run={r} testId={`run-snapshot-${r.id}`} />,
    },
  ];

  if (runs.kind === 'loading')
    return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
  if (runs.kind === 'failed' || runs.kind === 'unavailable')
    return (
      <Alert
        type="error"
        showIcon
        title={t('common.loadFailed', {
          message: runs.kind === 'failed' ? errorText(runs.reason) : t('liveTrading.notRunning'),
        })}
      />
    );

  return (
    <Space orientation="vertical" size="middle" style={PANEL_STYLE}>
      <Space wrap>
        <Select
          allowClear
          style={PICKER_STYLE}
          placeholder={t('liveTrading.runs.allProjects')}
          value={project}
          onChange={(next: string | undefined) => setProject(next ?? null)}
          options={projects.map((p) => ({ value: p, label: p }))}
        />
        <Button icon={<ReloadOutlined />} onClick={loadRuns}>
          {t('common.refresh')}
        </Button>
      </Space>
      <Table<TradeRun>
        data-testid="live-runs"
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('liveTrading.runs.empty')} /> }}
        onRow={(r) => ({
          onClick: () => setSelected(r.id === selected ? null : r.id),
          style: r.id === selected ? SELECTED_ROW_STYLE : CLICKABLE_ROW_STYLE,
        })}
      />
      {shown.length > 0 && selected === null ? (
        <Typography.Text type="secondary">{t('liveTrading.runs.pick')}</Typography.Text>
      ) : null}
      {detail?.kind === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : null}
      {detail?.kind === 'failed' ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(detail.reason) })} />
      ) : null}
      {detail?.kind === 'ready' ? (
        <>
          <div>
            <Typography.Text type="secondary">{t('liveTrading.runs.filledShare')}</Typography.Text>
            <Progress
              percent={fillShare(detail.data)}
              status={
                isActive(detail.data.run)
                  ? 'active'
                  : detail.data.run.status === 'FAILED'
                    ? 'exception'
                    : 'normal'
              }
            />
          </div>
          <RunDetailView
            detail={detail.data}
            canTrade={canTrade}
            onChanged={() => {
              loadRuns();
              if (selected !== null) loadDetail(selected);
            }}
          />
        </>
      ) : null}
    </Space>
  );
}
