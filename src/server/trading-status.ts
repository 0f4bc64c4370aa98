import { maskSecret, type ResolvedSettings } from '../config/index.js';

export type TradingBadge = 'not_configured' | 'disconnected' | 'tradable';

export interface TradingStatus {
  badge: TradingBadge;
  mode: 'paper' | 'live';
  account: string | null;
}

/** Connection state is the IB adapter's to report; until one is attached, a configured system is "disconnected". */
export type ConnectionProbe = () => 'connected' | 'disconnected';

export function tradingStatusFrom(settings: ResolvedSettings, probe?: ConnectionProbe): TradingStatus {
  const account = settings.IB_ACCOUNT.value;
  const mode = settings.IB_MODE.value === 'live' ? 'live' : 'paper';
  const configured =
    account !== undefined && settings.IB_HOST.value !== undefined && settings.IB_PORT.value !== undefined;
  if (!configured) return { badge: 'not_configured', mode, account: null };
  const connected = probe?.() === 'connected';
  return { badge: connected ? 'tradable' : 'disconnected', mode, account: maskSecret(String(account)) };
}
