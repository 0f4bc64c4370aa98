import { Empty, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnumName } from '../../../../src/contract/messages';
import type {
  ReconcileForeignOrder as ForeignOrder,
  ReconcilePositionDiff as PositionDiff,
  TradeOrderEvent,
} from '../../api';
import { renderEnum } from '../../i18n/messages';
import { formatInteger, formatPrice, formatTime } from './model';

/**
 * Order-event and reconciliation details (stored as JSON by the server) as readable sentences and
 * tables in the UI language: raw JSON showed English keys and untranslated enum values.
 */

type FieldKind = 'integer' | 'price' | 'time' | 'text' | EnumName;

/** The detail keys the execution engine writes, in display order, with how each value is shown. */
const EVENT_FIELDS: ReadonlyArray<readonly [string, FieldKind]> = [
  ['side', 'side'],
  ['quantity', 'integer'],
  ['orderType', 'orderType'],
  ['limitPrice', 'price'],
  ['filled', 'integer'],
  ['remaining', 'integer'],
  ['avgFillPrice', 'price'],
  ['execId', 'text'],
  ['shares', 'integer'],
  ['price', 'price'],
  ['requestedAt', 'time'],
  ['permId', 'text'],
  ['leaseToken', 'text'],
  ['error', 'text'],
];

/** Keys shown otherwise: the refusal's reason is rebuilt from the event's own states. */
const HIDDEN_KEYS: ReadonlySet<string> = new Set(['reason']);

function fieldValue(kind: FieldKind, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (kind === 'integer') return typeof value === 'number' ? formatInteger(value) : String(value);
  if (kind === 'price') return typeof value === 'number' ? formatPrice(value) : String(value);
  if (kind === 'time') return typeof value === 'string' ? formatTime(value) : String(value);
  if (kind === 'text') return typeof value === 'object' ? JSON.stringify(value) : String(value);
  return renderEnum(kind, String(value));
}

/** An order state (ours) or '∅' for none, translated. */
export function orderStateText(state: string | null): string {
  return state === null ? '∅' : renderEnum('orderStatus', state);
}

/** One order event's detail: "方向 买入 · 数量 100 · …", and for a refusal why it was refused. */
export function OrderEventDetail({ event }: { event: TradeOrderEvent }) {
  const { t } = useTranslation();
  const detail = event.detail ?? {};
  const parts: string[] = [];
  if (!event.accepted && typeof detail.reason === 'string') {
    const params = { from: orderStateText(event.fromStatus), to: orderStateText(event.toStatus) };
    parts.push(
      detail.reason.endsWith('is final')
        ? t('orderDetails.refusedFinal', params)
        : t('orderDetails.refusedIllegal', params),
    );
  }
  const known = new Set(EVENT_FIELDS.map(([key]) => key));
  for (const [key, kind] of EVENT_FIELDS) {
    if (!(key in detail)) continue;
    parts.push(
      `${t(`orderDetails.fields.${key}` as 'orderDetails.fields.side')} ${fieldValue(kind, detail[key])}`,
    );
  }
  // A key added later by the server is still shown, by its name, rather than dropped.
  for (const [key, value] of Object.entries(detail))
    if (!known.has(key) && !HIDDEN_KEYS.has(key)) parts.push(`${key} ${fieldValue('text', value)}`);
  if (parts.length === 0) return <>{t('orderDetails.none')}</>;
  return <span data-testid="order-event-detail">{parts.join(' · ')}</span>;
}

function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="reconcile-section">
      <Typography.Text strong>{title}</Typography.Text>
      <div>{children}</div>
    </div>
  );
}

/** A stored reconciliation's details: what was taken over, released, missing, foreign or different. */
export function ReconcileDetails({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation();
  const adopted = listOf<string>(details.adopted);
  const released = listOf<string>(details.released);
  const missing = listOf<string>(details.missing);
  const foreign = listOf<ForeignOrder>(details.foreign);
  const diffs = listOf<PositionDiff>(details.positionDiffs);

  const foreignColumns: ColumnsType<ForeignOrder> = [
    { title: t('orderDetails.reconcile.orderId'), dataIndex: 'orderId' },
    { title: t('orderDetails.reconcile.clientId'), dataIndex: 'clientId' },
    {
      title: t('orderDetails.reconcile.orderRef'),
      render: (_: unknown, o) => <span className="mono">{o.orderRef || '—'}</span>,
    },
    {
      title: t('orderDetails.reconcile.symbol'),
      render: (_: unknown, o) => <span className="mono">{o.symbol}</span>,
    },
    { title: t('orderDetails.reconcile.side'), render: (_: unknown, o) => renderEnum('side', o.side) },
    {
      title: t('orderDetails.reconcile.quantity'),
      align: 'right',
      render: (_: unknown, o) => formatInteger(o.quantity),
    },
    {
      title: t('orderDetails.reconcile.status'),
      render: (_: unknown, o) => renderEnum('ibOrderStatus', o.status),
    },
  ];
  const diffColumns: ColumnsType<PositionDiff> = [
    { title: t('orderDetails.reconcile.project'), dataIndex: 'project' },
    { title: t('orderDetails.reconcile.run'), render: (_: unknown, d) => `#${d.runId}` },
    {
      title: t('orderDetails.reconcile.symbol'),
      render: (_: unknown, d) => <span className="mono">{d.symbol}</span>,
    },
    ...(['target', 'position', 'openRemaining'] as const).map((key) => ({
      title: t(`orderDetails.reconcile.${key}`),
      align: 'right' as const,
      render: (_: unknown, d: PositionDiff) => formatInteger(d[key]),
    })),
  ];
  const ids = (list: string[]) => (
    <Space size={[4, 4]} wrap>
      {list.map((id) => (
        <Tag key={id} className="mono">
          {id}
        </Tag>
      ))}
    </Space>
  );

  if (adopted.length + released.length + missing.length + foreign.length + diffs.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('orderDetails.reconcile.nothing')} />;
  return (
    <Space orientation="vertical" size="small" data-testid="reconcile-details">
      {missing.length > 0 ? (
        <Section title={t('orderDetails.reconcile.missing', { count: missing.length })}>
          {ids(missing)}
        </Section>
      ) : null}
      {diffs.length > 0 ? (
        <Section title={t('orderDetails.reconcile.positionDiffs', { count: diffs.length })}>
          <Table<PositionDiff>
            rowKey={(d) => `${d.runId}-${d.symbol}`}
            size="small"
            pagination={false}
            columns={diffColumns}
            dataSource={diffs}
          />
        </Section>
      ) : null}
      {foreign.length > 0 ? (
        <Section title={t('orderDetails.reconcile.foreign', { count: foreign.length })}>
          <Table<ForeignOrder>
            rowKey={(o) => `${o.clientId}-${o.orderId}`}
            size="small"
            pagination={false}
            columns={foreignColumns}
            dataSource={foreign}
          />
        </Section>
      ) : null}
      {adopted.length > 0 ? (
        <Section title={t('orderDetails.reconcile.adopted', { count: adopted.length })}>
          {ids(adopted)}
        </Section>
      ) : null}
      {released.length > 0 ? (
        <Section title={t('orderDetails.reconcile.released', { count: released.length })}>
          {ids(released)}
        </Section>
      ) : null}
    </Space>
  );
}
