import { Badge, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TradingBadge as Badge_ } from '../api';
import { useTradingStatus } from '../events';
import { useMarketStatus } from './MarketStatus';

const PRESENTATION: Record<Badge_, { color: string; status: 'default' | 'warning' | 'success' }> = {
  not_configured: { color: 'default', status: 'default' },
  disconnected: { color: 'warning', status: 'warning' },
  tradable: { color: 'success', status: 'success' },
};

/** Connected while the exchange is closed: orders would only queue, so it is not shown as 可交易. */
const CONNECTED_MARKET_CLOSED = { color: 'processing', status: 'default' as const };

function useBadge() {
  const { t } = useTranslation();
  const { status } = useTradingStatus();
  const market = useMarketStatus();
  const badge = status?.badge;
  const marketClosed = badge === 'tradable' && market !== null && !market.open;
  if (marketClosed)
    return { badge, marketClosed, look: CONNECTED_MARKET_CLOSED, text: t('market.badgeClosed') };
  const look = badge ? PRESENTATION[badge] : { color: 'default', status: 'default' as const };
  return { badge, marketClosed, look, text: badge ? t(`badge.${badge}`) : t('badge.unknown') };
}

/** The Live Trading status (未配置 / 未连接 / 可交易 / 已连接·休市), fed by `/api/trading/status` and its SSE event. */
export function TradingBadge() {
  const { badge, marketClosed, look, text } = useBadge();
  return (
    <Tag
      className="trading-badge"
      color={look.color}
      data-testid="trading-badge"
      data-badge={badge ?? 'unknown'}
      data-market-closed={marketClosed}
      variant="outlined"
    >
      <Badge status={look.status} />
      {text}
    </Tag>
  );
}

/** The same status as a dot on an icon, for the collapsed side menu where the text does not fit. */
export function TradingDot({ children }: { children: React.ReactNode }) {
  const { badge, look, text } = useBadge();
  // The dot is the anchor's ::after: antd hides any element that follows a collapsed menu icon.
  return (
    <span
      className={`trading-dot-anchor trading-dot-${look.status}`}
      title={text}
      data-testid="trading-dot"
      data-badge={badge ?? 'unknown'}
    >
      {children}
    </span>
  );
}
