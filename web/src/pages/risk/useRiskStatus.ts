import { useCallback, useEffect, useState } from 'react';
import type { RiskStatusResponse, TradingStateName } from '../../api';
import { useServerEvent } from '../../events';
import { riskApi } from './risk-api';

const RANK: Record<TradingStateName, number> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/** The strictest state of the account and every project: what the header badge shows. */
export function strictestState(status: RiskStatusResponse | null): TradingStateName | null {
  if (!status || status.scopes.length === 0) return null;
  return status.scopes.reduce<TradingStateName>(
    (worst, s) => (RANK[s.state.state] > RANK[worst] ? s.state.state : worst),
    'ACTIVE',
  );
}

/**
 * The risk status, live: loaded once, replaced by the monitor's `risk.status` events, and reloaded
 * when a state changes (`risk.state`) or the event stream reconnects (`hello`).
 */
export function useRiskStatus(): { status: RiskStatusResponse | null; reload: () => void; failed: boolean } {
  const [status, setStatus] = useState<RiskStatusResponse | null>(null);
  const [failed, setFailed] = useState(false);
  const reload = useCallback(() => {
    riskApi
      .status()
      .then((next) => {
        setStatus(next);
        setFailed(false);
      })
      .catch(() => setFailed(true));
  }, []);
  useEffect(reload, [reload]);
  useServerEvent('risk.status', setStatus);
  useServerEvent('risk.state', reload);
  useServerEvent('hello', reload);
  return { status, reload, failed };
}
