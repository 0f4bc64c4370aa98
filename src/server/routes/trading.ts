import { TradingStatus } from '../../contract/core.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';
import { tradingStatusFrom } from '../trading-status.js';

export function registerTradingRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/trading/status', { schema: { response: { 200: TradingStatus } } }, async () =>
    tradingStatusFrom(await deps.ctx.settings.resolve(), deps.connectionProbe),
  );
}
