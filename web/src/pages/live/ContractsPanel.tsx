import { SyncOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Empty, Progress, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResolutionEntry, ResolutionReport } from '../../api';
import { JobProgress } from '../reports/JobProgress';
import { isFinished, useJob } from '../reports/useJob';
import { liveApi } from './live-api';
import { byNumber, byText, errorText, failure, formatTime, type Loadable, PANEL_STYLE } from './model';
import { toSelector, UniversePicker } from './UniversePicker';

const ENTRY_COLORS: Record<ResolutionEntry['status'], string> = {
  resolved: 'success',
  unresolved: 'error',
  missing: 'default',
};

function Summary({ report }: { report: ResolutionReport }) {
  const { t } = useTranslation();
  const total = Math.max(1, report.total);
  return (
    <Row gutter={[16, 16]} data-testid="live-contracts-summary">
      <Col xs={12} md={4}>
        <Statistic title={t('liveTrading.contracts.total')} value={report.total} />
      </Col>
      <Col xs={12} md={4}>
        <Statistic title={t('liveTrading.contracts.resolved')} value={report.resolved} />
      </Col>
      <Col xs={12} md={4}>
        <Statistic title={t('liveTrading.contracts.unresolved')} value={report.unresolved} />
      </Col>
      <Col xs={12} md={4}>
        <Statistic title={t('liveTrading.contracts.missing')} value={report.missing} />
      </Col>
      <Col xs={12} md={4}>
        <Statistic title={t('liveTrading.contracts.stale')} value={report.stale} />
      </Col>
      <Col xs={24} md={4}>
        <Typography.Text type="secondary">{t('liveTrading.contracts.resolvedShare')}</Typography.Text>
        <Progress
          percent={Math.round((report.resolved / total) * 100)}
          success={{ percent: Math.round((report.resolved / total) * 100) }}
          status={report.unresolved > 0 ? 'exception' : 'normal'}
        />
      </Col>
    </Row>
  );
}

/** The contract resolution report of a project or theme: every symbol resolved, or IB's reason. */
export function ContractsPanel({ initialUniverse }: { initialUniverse: string | null }) {
  const { t } = useTranslation();
  const [universe, setUniverse] = useState<string | null>(initialUniverse);
  const [state, setState] = useState<Loadable<ResolutionReport> | null>(null);
  // The universe a refresh job was started for: its report is shown only if it is still picked.
  const refreshedUniverse = useRef<string | null>(null);
  const universeRef = useRef(universe);
  universeRef.current = universe;
  useEffect(() => setUniverse(initialUniverse), [initialUniverse]);

  const load = useCallback((value: string | null) => {
    const selector = toSelector(value);
    if (!selector) {
      setState(null);
      return;
    }
    setState({ kind: 'loading' });
    liveApi
      .contracts(selector)
      .then((data) => setState({ kind: 'ready', data }))
      .catch((error: unknown) => setState(failure(error)));
  }, []);

  useEffect(() => load(universe), [load, universe]);

  const refreshJob = useJob((finished) => {
    if (refreshedUniverse.current !== universeRef.current) return;
    if (finished.status === 'succeeded')
      setState({ kind: 'ready', data: finished.result as ResolutionReport });
    // A failed job shows its error above; the report as stored comes back below it.
    else load(universeRef.current);
  });
  const refreshing = refreshJob.job !== null && !isFinished(refreshJob.job.status);

  const refresh = () => {
    const selector = toSelector(universe);
    if (!selector) return;
    refreshedUniverse.current = universe;
    // The report before the refresh is hidden while the job runs: the one shown next is the new one.
    setState({ kind: 'loading' });
    liveApi
      .refreshContracts(selector)
      .then((started) => refreshJob.track(started.job))
      .catch((error: unknown) => setState(failure(error)));
  };

  const columns: ColumnsType<ResolutionEntry> = [
    {
      title: t('liveTrading.contracts.symbol'),
      dataIndex: 'symbol',
      sorter: byText((e) => e.symbol),
      defaultSortOrder: 'ascend',
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('liveTrading.contracts.status'),
      sorter: byText((e) => e.status),
      filters: (['resolved', 'unresolved', 'missing'] as const).map((value) => ({
        text: t(`liveTrading.contracts.statuses.${value}`),
        value,
      })),
      onFilter: (value, entry) => entry.status === value,
      render: (_: unknown, entry) => (
        <Space size={4}>
          <Tag color={ENTRY_COLORS[entry.status]}>{t(`liveTrading.contracts.statuses.${entry.status}`)}</Tag>
          {entry.stale ? <Tag color="warning">{t('liveTrading.contracts.staleTag')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: 'conId',
      sorter: byNumber((e) => e.conId),
      render: (_: unknown, entry) => <span className="mono">{entry.conId ?? '—'}</span>,
    },
    {
      title: t('liveTrading.contracts.primaryExchange'),
      sorter: byText((e) => e.primaryExchange),
      render: (_: unknown, entry) => entry.primaryExchange ?? '—',
    },
    {
      title: t('liveTrading.contracts.reason'),
      render: (_: unknown, entry) => entry.reason ?? '—',
    },
    {
      title: t('liveTrading.contracts.fetchedAt'),
      sorter: byText((e) => e.fetchedAt),
      render: (_: unknown, entry) => formatTime(entry.fetchedAt),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={PANEL_STYLE}>
      <Space wrap>
        <UniversePicker value={universe} onChange={setUniverse} testId="live-contracts-universe" />
        <Button
          type="primary"
          icon={<SyncOutlined spin={refreshing} />}
          loading={refreshing}
          disabled={!toSelector(universe)}
          onClick={refresh}
          data-testid="live-contracts-refresh"
        >
          {t('liveTrading.contracts.refresh')}
        </Button>
        <Typography.Text type="secondary">{t('liveTrading.contracts.refreshHint')}</Typography.Text>
      </Space>
      {refreshing ? <Alert type="info" showIcon title={t('liveTrading.contracts.refreshing')} /> : null}
      {refreshJob.job && refreshJob.job.status !== 'succeeded' ? (
        <JobProgress job={refreshJob.job} testId="live-contracts-job" />
      ) : null}
      {state === null ? <Empty description={t('liveTrading.universe.pick')} /> : null}
      {state?.kind === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : null}
      {state?.kind === 'unavailable' ? (
        <Alert type="warning" showIcon title={t('liveTrading.notRunning')} />
      ) : null}
      {state?.kind === 'failed' ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(state.reason) })} />
      ) : null}
      {state?.kind === 'ready' ? (
        <>
          <Summary report={state.data} />
          <Table<ResolutionEntry>
            data-testid="live-contracts"
            rowKey="symbol"
            size="small"
            columns={columns}
            dataSource={state.data.entries}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
          />
        </>
      ) : null}
    </Space>
  );
}
