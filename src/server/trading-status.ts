import { maskSecret, type ResolvedSettings } from '../config/index.js';

export type TradingBadge = 'not_configured' | 'disconnected' | 'tradable';

export interface TradingStatus {
  badge: TradingBadge;
  mode: 'paper' | 'live';
  account: string | null;
  /** True when the server trades against its own in-process paper gateway. */
  builtInGateway: boolean;
}

/** What the running IB connection says, when there is one. */
export interface ConnectionView {
  tradable: boolean;
  /** Already masked. */
  account: string | null;
  builtInGateway: boolean;
}

export type ConnectionProbe = () => ConnectionView | undefined;

export function tradingStatusFrom(settings: ResolvedSettings, probe?: ConnectionProbe): TradingStatus {
  const mode = settings.IB_MODE.value === 'live' ? 'live' : 'paper';
  const connection = probe?.();
  const account = settings.IB_ACCOUNT.value;
  if (connection?.builtInGateway) {
    return {
      badge: connection.tradable ? 'tradable' : 'disconnected',
      mode,
      account: connection.account,
      builtInGateway: true,
    };
  }
  if (account === undefined) return { badge: 'not_configured', mode, account: null, builtInGateway: false };
  return {
    badge: connection?.tradable ? 'tradable' : 'disconnected',
    mode,
    account: maskSecret(String(account)),
    builtInGateway: false,
  };
}
