import { Alert, Card, Col, Empty, Row, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import type { MonitorFill, OrdersMonitor, OrderWindowFigures, WeightRow } from '../../api';
import { RunIdSnapshotLink } from '../decisions';
import { accountApi, formatMoney, formatPercent } from './account-api';
import {
  ATTENTION_STYLE,
  byNumber,
  byText,
  errorText,
  formatInteger,
  formatPrice,
  formatTime,
} from './model';
import { useReread } from './useReread';

const REREAD_EVERY_MS = 15_000;

function formatBps(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(1);
}

function WindowCard({
  title,
  figures,
  testId,
}: {
  title: string;
  figures: OrderWindowFigures;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Row gutter={[16, 16]}>
        <Col span={8}>
          <Statistic title={t('account.monitor.orders')} value={formatInteger(figures.orders)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('account.monitor.filled')} value={formatInteger(figures.filled)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('account.monitor.fillRate')} value={formatPercent(figures.fillRate, 1)} />
        </Col>
        <Col span={8}>
          <Tooltip title={t('account.monitor.slippageHint')}>
            <Statistic title={t('account.monitor.slippage')} value={formatBps(figures.slippageBps)} />
          </Tooltip>
        </Col>
        <Col span={8}>
          <Statistic title={t('account.monitor.commissions')} value={formatMoney(figures.commissions)} />
        </Col>
        <Col span={8}>
          <Statistic title={t('account.monitor.notional')} value={formatMoney(figures.notional)} />
        </Col>
      </Row>
      {figures.fillsWithoutArrival > 0 ? (
        <Typography.Text type="warning">
          {t('account.monitor.noArrival', { count: figures.fillsWithoutArrival })}
        </Typography.Text>
      ) : null}
    </Card>
  );
}

/** Today's and this week's orders and fills, slippage against arrival, target vs actual weights. */
const fetchMonitor = () => accountApi.orders().then((answer) => answer.monitor);

export function OrdersMonitorPanel() {
  const { t } = useTranslation();
  const [state] = useReread<OrdersMonitor>(fetchMonitor, REREAD_EVERY_MS);

  if (state.kind === 'failed')
    return (
      <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(state.reason) })} />
    );
  if (state.kind !== 'ready') return null;
  const m = state.data;

  const weightColumns: ColumnsType<WeightRow> = [
    {
      title: t('account.positions.symbol'),
      dataIndex: 'symbol',
      sorter: byText((r) => r.symbol),
      render: (symbol: string) => <Typography.Text code>{symbol}</Typography.Text>,
    },
    {
      title: t('account.monitor.target'),
      dataIndex: 'targetWeight',
      align: 'right',
      render: (v: number) => formatPercent(v),
    },
    {
      title: t('account.monitor.actual'),
      dataIndex: 'actualWeight',
      align: 'right',
      render: (v: number) => formatPercent(v),
    },
    {
      title: t('account.monitor.deviation'),
      dataIndex: 'deviation',
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: byNumber((r) => Math.abs(r.deviation)),
      render: (v: number, row) =>
        row.flagged ? (
          <span style={ATTENTION_STYLE}>
            {formatPercent(v)} <Tag color="warning">{t('account.monitor.flagged')}</Tag>
          </span>
        ) : (
          formatPercent(v)
        ),
    },
  ];

  const fillColumns: ColumnsType<MonitorFill> = [
    { title: t('account.monitor.time'), dataIndex: 'execTime', render: (v: string) => formatTime(v) },
    { title: t('account.monitor.project'), dataIndex: 'project' },
    {
      title: t('decisions.link.column'),
      dataIndex: 'runId',
      render: (runId: number) => <RunIdSnapshotLink runId={runId} />,
    },
    {
      title: t('account.positions.symbol'),
      dataIndex: 'symbol',
      render: (symbol: string) => <Typography.Text code>{symbol}</Typography.Text>,
    },
    {
      title: t('account.monitor.side'),
      dataIndex: 'side',
      render: (side: MonitorFill['side']) => (
        <Tag color={side === 'BUY' ? 'blue' : 'orange'}>{t(`account.monitor.sides.${side}`)}</Tag>
      ),
    },
    {
      title: t('account.monitor.shares'),
      dataIndex: 'shares',
      align: 'right',
      render: (v: number) => formatInteger(v),
    },
    {
      title: t('account.monitor.price'),
      dataIndex: 'price',
      align: 'right',
      render: (v: number) => formatPrice(v),
    },
    {
      title: t('account.monitor.arrival'),
      dataIndex: 'arrivalPrice',
      align: 'right',
      render: (v: number | null) => formatPrice(v),
    },
    {
      title: t('account.monitor.slippage'),
      dataIndex: 'slippageBps',
      align: 'right',
      sorter: byNumber((f) => f.slippageBps),
      render: (v: number | null) => formatBps(v),
    },
    {
      title: t('account.monitor.commission'),
      dataIndex: 'commission',
      align: 'right',
      render: (v: number | null) => formatMoney(v),
    },
  ];

  return (
    <div data-testid="orders-monitor">
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <WindowCard title={t('account.monitor.today')} figures={m.today} testId="orders-monitor-today" />
        </Col>
        <Col xs={24} lg={12}>
          <WindowCard title={t('account.monitor.week')} figures={m.week} testId="orders-monitor-week" />
        </Col>
      </Row>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('account.monitor.weightsTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {m.weights.run
          ? t('account.monitor.weightsRun', {
              id: m.weights.run.id,
              project: m.weights.run.project,
              date: m.weights.run.tradingDate,
            })
          : t('account.monitor.noRun')}
        {' · '}
        {t('account.monitor.tolerance', { value: formatPercent(m.weights.tolerance) })}
      </Typography.Paragraph>
      {m.weights.rows.length === 0 ? (
        <Empty description={t('account.monitor.noRun')} />
      ) : (
        <Table<WeightRow>
          data-testid="orders-monitor-weights"
          rowKey="symbol"
          size="small"
          pagination={false}
          columns={weightColumns}
          dataSource={m.weights.rows}
          rowClassName={(row) => (row.flagged ? 'weight-flagged' : '')}
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('account.monitor.fillsTitle')}
      </Typography.Title>
      <Table<MonitorFill>
        data-testid="orders-monitor-fills"
        rowKey="execId"
        size="small"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={fillColumns}
        dataSource={m.fills}
        locale={{ emptyText: t('account.monitor.noFills') }}
      />
    </div>
  );
}
