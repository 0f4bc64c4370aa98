import { Alert, Empty, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IbQuote, QuoteSnapshotEntry } from '../../api';
import { SyntheticDataNotice, useMarketStatus } from '../../components';
import { useServerEvent } from '../../events';
import { liveApi } from './live-api';
import {
  ageSeconds,
  byNumber,
  byText,
  errorText,
  failure,
  formatInteger,
  formatPrice,
  type Loadable,
  useNow,
} from './model';

/** The server marks staleness itself; it is re-read this often so that a quiet symbol turns stale. */
const SNAPSHOT_EVERY_MS = 10_000;

const QUOTE_STATUS_COLORS: Record<string, string> = {
  pending: 'processing',
  subscribed: 'success',
  refused: 'warning',
  error: 'error',
};

function merge(entries: QuoteSnapshotEntry[], quote: IbQuote): QuoteSnapshotEntry[] {
  const index = entries.findIndex((entry) => entry.symbol === quote.symbol);
  if (index < 0) return entries;
  const next = [...entries];
  const previous = entries[index] as QuoteSnapshotEntry;
  next[index] = { ...previous, ...quote, lastUpdateMs: quote.timeMs, stalenessMs: 0, stale: false };
  return next;
}

/** Level-1 quotes of the subscribed universe: a snapshot, then every tick over server-sent events. */
export function QuotesPanel() {
  const { t } = useTranslation();
  const now = useNow();
  const [state, setState] = useState<Loadable<QuoteSnapshotEntry[]>>({ kind: 'loading' });
  // A quote goes quiet when the exchange closes: say so rather than calling it stale.
  const marketClosed = useMarketStatus()?.open === false;

  const load = useCallback(() => {
    liveApi
      .quotes()
      .then((answer) => setState({ kind: 'ready', data: answer.quotes }))
      .catch((error: unknown) => setState(failure(error)));
  }, []);

  useEffect(() => {
    load();
    const timer = window.setInterval(load, SNAPSHOT_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [load]);
  useServerEvent('hello', load);
  useServerEvent('ib.quote', (quote) =>
    setState((current) =>
      current.kind === 'ready' ? { kind: 'ready', data: merge(current.data, quote) } : current,
    ),
  );

  if (state.kind === 'loading')
    return <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
  if (state.kind === 'unavailable')
    return (
      <Alert
        type="warning"
        showIcon
        data-testid="live-quotes-unavailable"
        title={t('liveTrading.notRunning')}
      />
    );
  if (state.kind === 'failed')
    return (
      <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(state.reason) })} />
    );

  const columns: ColumnsType<QuoteSnapshotEntry> = [
    {
      title: t('liveTrading.quotes.symbol'),
      dataIndex: 'symbol',
      sorter: byText((q) => q.symbol),
      defaultSortOrder: 'ascend',
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('liveTrading.quotes.bid'),
      align: 'right',
      sorter: byNumber((q) => q.bid),
      render: (_: unknown, q) => (
        <span className="mono">
          {formatPrice(q.bid)}
          {q.bidSize !== null ? (
            <Typography.Text type="secondary"> ×{formatInteger(q.bidSize)}</Typography.Text>
          ) : null}
        </span>
      ),
    },
    {
      title: t('liveTrading.quotes.ask'),
      align: 'right',
      sorter: byNumber((q) => q.ask),
      render: (_: unknown, q) => (
        <span className="mono">
          {formatPrice(q.ask)}
          {q.askSize !== null ? (
            <Typography.Text type="secondary"> ×{formatInteger(q.askSize)}</Typography.Text>
          ) : null}
        </span>
      ),
    },
    {
      title: t('liveTrading.quotes.last'),
      align: 'right',
      sorter: byNumber((q) => q.last),
      render: (_: unknown, q) => <span className="mono">{formatPrice(q.last)}</span>,
    },
    {
      title: t('liveTrading.quotes.volume'),
      align: 'right',
      sorter: byNumber((q) => q.volume),
      render: (_: unknown, q) => <span className="mono">{formatInteger(q.volume)}</span>,
    },
    {
      title: t('liveTrading.quotes.rate'),
      align: 'right',
      sorter: byNumber((q) => q.ticksPerMinute),
      render: (_: unknown, q) => <span className="mono">{q.ticksPerMinute.toFixed(0)}</span>,
    },
    {
      title: t('liveTrading.quotes.updated'),
      sorter: byNumber((q) => q.lastUpdateMs),
      render: (_: unknown, q) =>
        q.lastUpdateMs === null
          ? t('liveTrading.quotes.noTick')
          : t('liveTrading.quotes.secondsAgo', { seconds: ageSeconds(q.lastUpdateMs, now) }),
    },
    {
      title: t('liveTrading.quotes.status'),
      sorter: byText((q) => q.status),
      render: (_: unknown, q) => (
        <Tooltip title={q.error ?? undefined}>
          <Tag color={QUOTE_STATUS_COLORS[q.status] ?? 'default'}>
            {t(`liveTrading.quotes.statuses.${q.status}`)}
          </Tag>
          {q.stale && q.status === 'subscribed' && marketClosed ? (
            <Tooltip title={t('market.quoteClosedHint')}>
              <Tag data-testid="quote-market-closed">{t('market.quoteClosed')}</Tag>
            </Tooltip>
          ) : null}
          {q.stale && q.status === 'subscribed' && !marketClosed ? (
            <Tag color="warning">{t('liveTrading.quotes.stale')}</Tag>
          ) : null}
        </Tooltip>
      ),
    },
  ];

  return (
    <>
      <SyntheticDataNotice />
      <Table<QuoteSnapshotEntry>
        data-testid="live-quotes"
        rowKey="symbol"
        size="small"
        columns={columns}
        dataSource={state.data}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('liveTrading.quotes.empty')} /> }}
      />
    </>
  );
}
