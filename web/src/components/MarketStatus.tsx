import { Alert, Tag, Tooltip } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type MarketStatus, marketApi } from '../api';
import { useServerEvent } from '../events';

const MarketStatusContext = createContext<MarketStatus | null>(null);

/** Re-read at the latest this often, in case the machine slept through a scheduled refresh. */
const MAX_WAIT_MS = 60 * 60_000;

/**
 * The exchange's state for every signed-in page. It changes only at the open and the close, so it is
 * re-read just after the next of those (by the server's clock), on reconnect, and when the trading
 * status changes (the built-in gateway starting or stopping decides whether prices are synthetic).
 */
export function MarketStatusProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<MarketStatus | null>(null);

  const refresh = useCallback(() => {
    marketApi
      .status()
      .then(setStatus)
      .catch(() => setStatus(null));
  }, []);

  useEffect(refresh, [refresh]);
  useServerEvent('hello', refresh);
  useServerEvent('trading.status', refresh);

  useEffect(() => {
    if (!status) return;
    const serverNow = Date.parse(status.now);
    const next = Date.parse(status.closesAt ?? status.nextOpen);
    const wait = Math.min(Math.max(next - serverNow + 1000, 1000), MAX_WAIT_MS);
    const timer = window.setTimeout(refresh, wait);
    return () => window.clearTimeout(timer);
  }, [status, refresh]);

  return <MarketStatusContext value={status}>{children}</MarketStatusContext>;
}

/** Null before the first answer, after a failure, or outside the signed-in layout. */
export function useMarketStatus(): MarketStatus | null {
  return useContext(MarketStatusContext);
}

/** New York wall time of an instant: `16:00`, or `11-23 09:30` when `withDay`. */
function newYorkTime(iso: string, language: string, withDay: boolean): string {
  return new Intl.DateTimeFormat(language, {
    timeZone: 'America/New_York',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(withDay ? { month: '2-digit', day: '2-digit', weekday: 'short' } : {}),
  }).format(new Date(iso));
}

/** The header's market tag: 开市 · 16:00 收盘, or 休市 · 下次开盘 …, with the reason on hover. */
export function MarketStatusTag() {
  const { t, i18n } = useTranslation();
  const status = useMarketStatus();
  if (!status) return null;
  const zone = t('market.timeZone');
  const text = status.open
    ? `${t('market.open')} · ${t('market.closesAt', { time: `${newYorkTime(status.closesAt ?? status.nextOpen, i18n.language, false)} ${zone}` })}`
    : `${t('market.closed')} · ${t('market.nextOpen', { time: `${newYorkTime(status.nextOpen, i18n.language, true)} ${zone}` })}`;
  const details = [
    status.closedReason ? t(`market.reasons.${status.closedReason}`) : null,
    status.earlyClose ? t('market.earlyCloseToday') : null,
    !status.open && status.nextOpenEarlyClose ? t('market.nextEarlyClose') : null,
    t('market.tooltip'),
  ].filter((line): line is string => line !== null);
  return (
    <Tooltip title={details.join(' ')}>
      <Tag
        className="market-status"
        color={status.open ? 'success' : 'default'}
        data-testid="market-status"
        data-open={status.open}
        data-reason={status.closedReason ?? 'open'}
        data-early-close={status.earlyClose}
        variant="outlined"
      >
        {status.open && status.earlyClose ? `${t('market.earlyClose')} · ` : ''}
        {text}
      </Tag>
    </Tooltip>
  );
}

/** Says that prices are generated when the built-in paper gateway supplies them. */
export function SyntheticDataNotice() {
  const { t } = useTranslation();
  const status = useMarketStatus();
  if (!status?.syntheticPrices) return null;
  return (
    <Alert
      type="warning"
      showIcon
      className="page-notice"
      data-testid="synthetic-notice"
      title={t('market.synthetic.title')}
      description={t('market.synthetic.detail')}
    />
  );
}
