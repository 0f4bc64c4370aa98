import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Popconfirm,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { actorName } from '../../../../src/contract/actor-texts';
import type { RunDetail, SymbolProgress, TradeFill, TradeOrder, TradeOrderEvent } from '../../api';
import { currentLanguage } from '../../i18n';
import { renderEnum } from '../../i18n/messages';
import { RunParity, RunSnapshotLink } from '../decisions';
import { GroupedBars } from './charts';
import { OrderEventDetail, orderStateText } from './details';
import { liveApi } from './live-api';
import {
  ATTENTION_STYLE,
  byNumber,
  byText,
  DETAIL_STYLE,
  errorText,
  formatInteger,
  formatPrice,
  formatTime,
  isReadOnlyReplica,
  ORDER_STATUS_COLORS,
  RUN_STATUS_COLORS,
  TERMINAL_ORDER_STATES,
} from './model';
import { BlockedBanner, PreTradeChecks } from './PreTradeChecks';

function TargetVsFilled({ progress }: { progress: SymbolProgress[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<SymbolProgress> = [
    {
      title: t('liveTrading.runs.symbol'),
      dataIndex: 'symbol',
      sorter: byText((p) => p.symbol),
      defaultSortOrder: 'ascend',
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    ...(['before', 'target', 'filled', 'working', 'deviation'] as const).map((key) => ({
      title: t(`liveTrading.runs.progress.${key}`),
      align: 'right' as const,
      sorter: byNumber<SymbolProgress>((p) => p[key]),
      render: (_: unknown, p: SymbolProgress) => (
        <span className="mono" style={key === 'deviation' && p.deviation !== 0 ? ATTENTION_STYLE : undefined}>
          {formatInteger(p[key])}
        </span>
      ),
    })),
    {
      title: t('liveTrading.runs.progress.avgPrice'),
      align: 'right',
      sorter: byNumber((p) => p.avgFillPrice),
      render: (_: unknown, p) => <span className="mono">{formatPrice(p.avgFillPrice)}</span>,
    },
    {
      title: t('liveTrading.runs.progress.commission'),
      align: 'right',
      sorter: byNumber((p) => p.commission),
      render: (_: unknown, p) => <span className="mono">{formatPrice(p.commission)}</span>,
    },
  ];
  if (progress.length === 0) return <Empty description={t('liveTrading.runs.noTargets')} />;
  return (
    <>
      <GroupedBars
        testId="live-target-chart"
        categories={progress.map((p) => p.symbol)}
        series={[
          {
            name: t('liveTrading.runs.progress.before'),
            values: progress.map((p) => p.before),
            color: '#b3bac5',
          },
          {
            name: t('liveTrading.runs.progress.target'),
            values: progress.map((p) => p.target),
            color: '#2f6bff',
          },
          {
            name: t('liveTrading.runs.progress.position'),
            values: progress.map((p) => p.before + p.filled),
            color: '#36b37e',
          },
        ]}
      />
      <Table<SymbolProgress>
        data-testid="live-target-table"
        rowKey="symbol"
        size="small"
        columns={columns}
        dataSource={progress}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
      />
    </>
  );
}

function OrderEvents({ events }: { events: TradeOrderEvent[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<TradeOrderEvent> = [
    { title: t('liveTrading.runs.events.time'), render: (_: unknown, e) => formatTime(e.time) },
    {
      title: t('liveTrading.runs.events.kind'),
      render: (_: unknown, e) => renderEnum('orderEventKind', e.kind),
    },
    {
      title: t('liveTrading.runs.events.transition'),
      render: (_: unknown, e) => (
        <span>
          {orderStateText(e.fromStatus)} → {orderStateText(e.toStatus)}
        </span>
      ),
    },
    {
      title: t('liveTrading.runs.events.ibStatus'),
      render: (_: unknown, e) => (e.ibStatus ? renderEnum('ibOrderStatus', e.ibStatus) : '—'),
    },
    {
      title: t('liveTrading.runs.events.accepted'),
      render: (_: unknown, e) =>
        e.accepted ? (
          <Tag color="success">{t('liveTrading.runs.events.yes')}</Tag>
        ) : (
          <Tag color="error">{t('liveTrading.runs.events.refused')}</Tag>
        ),
    },
    {
      title: t('liveTrading.runs.events.detail'),
      render: (_: unknown, e) => (
        <span style={DETAIL_STYLE}>
          <OrderEventDetail event={e} />
        </span>
      ),
    },
  ];
  return (
    <Table<TradeOrderEvent>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={events}
      pagination={false}
    />
  );
}

/** Cancels one working order; only the replica that executes may, and the server checks it again. */
function CancelOrder({ order, onChanged }: { order: TradeOrder; onChanged(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const cancel = () => {
    setBusy(true);
    liveApi
      .cancelOrder(order.id)
      .then(() => {
        message.success(t('liveTrading.runs.orders.cancelSent'));
        onChanged();
      })
      .catch((error: unknown) =>
        message.error(
          isReadOnlyReplica(error)
            ? t('liveTrading.reconcile.readOnly')
            : t('common.requestFailed', { message: errorText(error) }),
        ),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Popconfirm
      title={t('liveTrading.runs.orders.cancelConfirm', { symbol: order.symbol, id: order.id })}
      onConfirm={cancel}
    >
      <Button size="small" danger loading={busy} data-testid={`live-cancel-${order.id}`}>
        {t('liveTrading.runs.orders.cancel')}
      </Button>
    </Popconfirm>
  );
}

function Orders({
  orders,
  canTrade,
  onChanged,
  run,
}: {
  orders: TradeOrder[];
  canTrade: boolean;
  onChanged(): void;
  /** Every order of a run traces back to the run's decision snapshot. */
  run: RunDetail['run'];
}) {
  const { t } = useTranslation();
  const columns: ColumnsType<TradeOrder> = [
    { title: 'ID', dataIndex: 'id', sorter: byNumber((o) => o.id), defaultSortOrder: 'ascend' },
    {
      title: t('liveTrading.runs.symbol'),
      dataIndex: 'symbol',
      sorter: byText((o) => o.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('liveTrading.runs.orders.side'),
      sorter: byText((o) => o.side),
      render: (_: unknown, o) => (
        <Tag color={o.side === 'BUY' ? 'green' : 'volcano'}>{renderEnum('side', o.side)}</Tag>
      ),
    },
    {
      title: t('liveTrading.runs.orders.quantity'),
      align: 'right',
      sorter: byNumber((o) => o.quantity),
      render: (_: unknown, o) => <span className="mono">{formatInteger(o.quantity)}</span>,
    },
    {
      title: t('liveTrading.runs.orders.type'),
      render: (_: unknown, o) => (
        <span>
          {renderEnum('orderType', o.orderType)}
          {o.limitPrice !== null ? ` @ ${formatPrice(o.limitPrice)}` : ''} ·{' '}
          {renderEnum('timeInForce', o.tif)}
        </span>
      ),
    },
    {
      title: t('liveTrading.runs.orders.status'),
      sorter: byText((o) => o.status),
      render: (_: unknown, o) => (
        <>
          <Tag color={ORDER_STATUS_COLORS[o.status] ?? 'default'}>{renderEnum('orderStatus', o.status)}</Tag>
          {o.ibStatus ? (
            <Typography.Text type="secondary">{renderEnum('ibOrderStatus', o.ibStatus)}</Typography.Text>
          ) : null}
          {o.adopted ? <Tag>{t('liveTrading.runs.orders.adopted')}</Tag> : null}
        </>
      ),
    },
    {
      title: t('liveTrading.runs.orders.filled'),
      align: 'right',
      sorter: byNumber((o) => o.filledQty),
      render: (_: unknown, o) => (
        <span className="mono">
          {formatInteger(o.filledQty)} / {formatInteger(o.quantity)}
        </span>
      ),
    },
    {
      title: t('liveTrading.runs.orders.avgPrice'),
      align: 'right',
      sorter: byNumber((o) => o.avgFillPrice),
      render: (_: unknown, o) => <span className="mono">{formatPrice(o.avgFillPrice)}</span>,
    },
    {
      title: t('liveTrading.runs.orders.clientOrderId'),
      render: (_: unknown, o) => <span className="mono">{o.clientOrderId}</span>,
    },
    {
      title: t('liveTrading.runs.orders.ibIds'),
      render: (_: unknown, o) => (
        <span className="mono">
          {o.ibOrderId ?? '—'} / {o.permId ?? '—'}
        </span>
      ),
    },
    {
      title: t('liveTrading.runs.orders.lastError'),
      render: (_: unknown, o) =>
        o.lastError ? <Typography.Text type="danger">{o.lastError}</Typography.Text> : '—',
    },
    {
      title: t('decisions.link.column'),
      render: (_: unknown, o) => <RunSnapshotLink run={run} testId={`order-snapshot-${o.id}`} />,
    },
    ...(canTrade
      ? [
          {
            title: t('liveTrading.runs.orders.action'),
            render: (_: unknown, o: TradeOrder) =>
              TERMINAL_ORDER_STATES.has(o.status) ? null : <CancelOrder order={o} onChanged={onChanged} />,
          },
        ]
      : []),
  ];
  return (
    <Table<TradeOrder>
      data-testid="live-orders"
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={orders}
      scroll={{ x: true }}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty description={t('liveTrading.runs.noOrders')} /> }}
      expandable={{ expandedRowRender: (order) => <OrderEvents events={order.events} /> }}
    />
  );
}

function Fills({ fills }: { fills: TradeFill[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<TradeFill> = [
    {
      title: t('liveTrading.runs.fills.time'),
      sorter: byText((f) => f.execTime),
      defaultSortOrder: 'descend',
      render: (_: unknown, f) => formatTime(f.execTime),
    },
    {
      title: t('liveTrading.runs.symbol'),
      dataIndex: 'symbol',
      sorter: byText((f) => f.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('liveTrading.runs.orders.side'),
      render: (_: unknown, f) => (
        <Tag color={f.side === 'BUY' ? 'green' : 'volcano'}>{renderEnum('side', f.side)}</Tag>
      ),
    },
    {
      title: t('liveTrading.runs.fills.shares'),
      align: 'right',
      sorter: byNumber((f) => f.shares),
      render: (_: unknown, f) => <span className="mono">{formatInteger(f.shares)}</span>,
    },
    {
      title: t('liveTrading.runs.fills.price'),
      align: 'right',
      sorter: byNumber((f) => f.price),
      render: (_: unknown, f) => <span className="mono">{formatPrice(f.price)}</span>,
    },
    {
      title: t('liveTrading.runs.fills.commission'),
      align: 'right',
      sorter: byNumber((f) => f.commission),
      render: (_: unknown, f) => (
        <span className="mono">
          {formatPrice(f.commission)} {f.commissionCurrency ?? ''}
        </span>
      ),
    },
    { title: t('liveTrading.runs.fills.exchange'), dataIndex: 'exchange' },
    { title: 'execId', render: (_: unknown, f) => <span className="mono">{f.execId}</span> },
  ];
  return (
    <Table<TradeFill>
      data-testid="live-fills"
      rowKey="execId"
      size="small"
      columns={columns}
      dataSource={fills}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty description={t('liveTrading.runs.noFills')} /> }}
    />
  );
}

/** One run: its header, target vs filled per symbol, orders (with their events) and fills. */
export function RunDetailView({
  detail,
  canTrade,
  onChanged,
}: {
  detail: RunDetail;
  canTrade: boolean;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const { run } = detail;
  return (
    <Card
      size="small"
      data-testid="live-run-detail"
      title={t('liveTrading.runs.detailTitle', { id: run.id, project: run.project })}
    >
      <Descriptions column={{ xs: 1, md: 3 }} size="small">
        <Descriptions.Item label={t('liveTrading.runs.status')}>
          <Tag color={RUN_STATUS_COLORS[run.status] ?? 'default'}>{renderEnum('runStatus', run.status)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('liveTrading.runs.tradingDate')}>{run.tradingDate}</Descriptions.Item>
        <Descriptions.Item label={t('liveTrading.runs.mode')}>
          {renderEnum('mode', run.mode)}
        </Descriptions.Item>
        <Descriptions.Item label={t('liveTrading.runs.createdBy')}>
          {actorName(run.createdBy, currentLanguage())}
        </Descriptions.Item>
        <Descriptions.Item label={t('liveTrading.runs.started')}>
          {formatTime(run.startedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('liveTrading.runs.finished')}>
          {formatTime(run.finishedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('decisions.link.column')}>
          <RunSnapshotLink run={run} testId="run-detail-snapshot" />
        </Descriptions.Item>
      </Descriptions>
      {run.status === 'BLOCKED' ? (
        <BlockedBanner preTrade={run.preTrade} />
      ) : run.error ? (
        <Alert type="error" showIcon className="page-notice" title={run.error} />
      ) : null}
      <Tabs
        key={run.id}
        defaultActiveKey={run.status === 'BLOCKED' ? 'pretrade' : 'progress'}
        items={[
          {
            key: 'progress',
            label: t('liveTrading.runs.tabs.progress'),
            children: <TargetVsFilled progress={detail.progress} />,
          },
          {
            key: 'orders',
            label: t('liveTrading.runs.tabs.orders', { count: detail.orders.length }),
            children: <Orders orders={detail.orders} canTrade={canTrade} onChanged={onChanged} run={run} />,
          },
          {
            key: 'fills',
            label: t('liveTrading.runs.tabs.fills', { count: detail.fills.length }),
            children: <Fills fills={detail.fills} />,
          },
          {
            key: 'pretrade',
            label: t('pretrade.title'),
            children: <PreTradeChecks preTrade={run.preTrade} />,
          },
          {
            key: 'parity',
            label: t('decisions.parity.title'),
            children: <RunParity runId={run.id} />,
          },
        ]}
      />
    </Card>
  );
}
