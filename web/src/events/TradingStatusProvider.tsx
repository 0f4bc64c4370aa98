import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, type TradingStatus } from '../api';
import { useServerEvent } from './EventsProvider';

interface TradingStatusValue {
  /** Null until the first answer arrives (or when it failed). */
  status: TradingStatus | null;
  refresh(): void;
}

const TradingStatusContext = createContext<TradingStatusValue | null>(null);

/** The Live Trading badge's source: fetched once, then kept fresh by `trading.status` events. */
export function TradingStatusProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<TradingStatus | null>(null);

  const refresh = useCallback(() => {
    api
      .tradingStatus()
      .then(setStatus)
      .catch(() => setStatus(null));
  }, []);

  useEffect(refresh, [refresh]);
  useServerEvent('trading.status', setStatus);
  // Events sent while the stream was down are lost; a reconnect greets with `hello`.
  useServerEvent('hello', refresh);

  const value = useMemo(() => ({ status, refresh }), [status, refresh]);
  return <TradingStatusContext value={value}>{children}</TradingStatusContext>;
}

export function useTradingStatus(): TradingStatusValue {
  const context = useContext(TradingStatusContext);
  if (!context) throw new Error('useTradingStatus must be used inside <TradingStatusProvider>');
  return context;
}
