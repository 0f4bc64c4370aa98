import { marketStatusAt } from '../../calendar/index.js';
import { MarketStatus } from '../../contract/account.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The exchange's state for the header: open or closed (and why), early close, the next open. Time
 * is the server's clock, which the built-in paper gateway also runs on (real time), so quotes and
 * header agree. `syntheticPrices` tells the UI that the quotes come from the built-in gateway's
 * generated market rather than a real one.
 */
export function registerMarketRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/market/status', { schema: { response: { 200: MarketStatus } } }, async () => {
    const nowMs = deps.ctx.clock.nowMs();
    const status = marketStatusAt(nowMs);
    return {
      now: new Date(nowMs).toISOString(),
      day: status.day,
      open: status.open,
      closedReason: status.closedReason,
      earlyClose: status.earlyClose,
      closesAt: iso(status.closesAtMs),
      nextOpen: new Date(status.nextOpenMs).toISOString(),
      nextOpenDay: status.nextOpenDay,
      nextOpenEarlyClose: status.nextOpenEarlyClose,
      syntheticPrices: deps.connectionProbe?.()?.builtInGateway ?? false,
    };
  });
}
