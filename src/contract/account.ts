/**
 * The account monitor (`/api/account*`: src/monitoring's AccountView, AccountHistory, OrdersMonitor)
 * and the market clock (`/api/market/status`). Pure zod, shared with the web app.
 */
import { z } from 'zod';

export const AccountFigures = z.object({
  netLiquidation: z.number(),
  totalCash: z.number(),
  buyingPower: z.number(),
  availableFunds: z.number(),
  excessLiquidity: z.number(),
  initMargin: z.number().nullable(),
  maintMargin: z.number().nullable(),
  grossPositionValue: z.number(),
  dailyPnl: z.number().nullable(),
  unrealizedPnl: z.number().nullable(),
  realizedPnl: z.number().nullable(),
});
export type AccountFigures = z.infer<typeof AccountFigures>;

export const AccountPosition = z.object({
  symbol: z.string(),
  conId: z.number(),
  quantity: z.number(),
  avgCost: z.number(),
  marketPrice: z.number(),
  marketValue: z.number(),
  unrealizedPnl: z.number(),
  realizedPnl: z.number(),
  weight: z.number(),
  sector: z.string(),
});
export type AccountPosition = z.infer<typeof AccountPosition>;

export const AccountView = z.object({
  source: z.enum(['live', 'snapshot']),
  time: z.string(),
  tradingDay: z.string(),
  /** Masked. */
  account: z.string(),
  currency: z.string(),
  figures: AccountFigures,
  positions: z.array(AccountPosition),
});
export type AccountView = z.infer<typeof AccountView>;

export const HISTORY_RANGES = ['1W', '1M', '3M', 'YTD', 'ALL'] as const;
export const HistoryRange = z.enum(HISTORY_RANGES);
export type HistoryRange = z.infer<typeof HistoryRange>;

export const AccountHistory = z.object({
  range: HistoryRange,
  from: z.string().nullable(),
  equity: z.array(
    z.object({
      time: z.string(),
      netLiquidation: z.number(),
      drawdown: z.number(),
      grossPositionValue: z.number(),
    }),
  ),
  dailyPnl: z.array(z.object({ day: z.string(), pnl: z.number() })),
  sectors: z.array(z.string()),
  exposure: z.array(z.object({ time: z.string(), weights: z.record(z.string(), z.number()) })),
  maxDrawdown: z.number(),
});
export type AccountHistory = z.infer<typeof AccountHistory>;

export const OrderWindowFigures = z.object({
  from: z.string(),
  orders: z.number(),
  filled: z.number(),
  partial: z.number(),
  open: z.number(),
  canceled: z.number(),
  rejected: z.number(),
  orderedShares: z.number(),
  filledShares: z.number(),
  fillRate: z.number().nullable(),
  fills: z.number(),
  slippageBps: z.number().nullable(),
  fillsWithoutArrival: z.number(),
  commissions: z.number(),
  notional: z.number(),
});
export type OrderWindowFigures = z.infer<typeof OrderWindowFigures>;

export const MonitorFill = z.object({
  execId: z.string(),
  runId: z.number(),
  project: z.string(),
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  shares: z.number(),
  price: z.number(),
  arrivalPrice: z.number().nullable(),
  slippageBps: z.number().nullable(),
  commission: z.number().nullable(),
  execTime: z.string(),
});
export type MonitorFill = z.infer<typeof MonitorFill>;

export const WeightRow = z.object({
  symbol: z.string(),
  targetWeight: z.number(),
  actualWeight: z.number(),
  deviation: z.number(),
  flagged: z.boolean(),
});
export type WeightRow = z.infer<typeof WeightRow>;

export const OrdersMonitor = z.object({
  today: OrderWindowFigures,
  week: OrderWindowFigures,
  fills: z.array(MonitorFill),
  weights: z.object({
    run: z
      .object({ id: z.number(), project: z.string(), tradingDate: z.string(), status: z.string() })
      .nullable(),
    tolerance: z.number(),
    rows: z.array(WeightRow),
    accountTime: z.string().nullable(),
  }),
});
export type OrdersMonitor = z.infer<typeof OrdersMonitor>;

export const AccountResponse = z.object({ account: AccountView.nullable() });
export type AccountResponse = z.infer<typeof AccountResponse>;
export const AccountHistoryResponse = z.object({ history: AccountHistory });
export type AccountHistoryResponse = z.infer<typeof AccountHistoryResponse>;
export const OrdersMonitorResponse = z.object({ monitor: OrdersMonitor });
export type OrdersMonitorResponse = z.infer<typeof OrdersMonitorResponse>;

/** `GET /api/market/status`: the NYSE's regular-session state by the server's clock. */
export const MarketStatus = z.object({
  /** ISO 8601: the server's time when it answered. */
  now: z.string(),
  /** New York calendar day. */
  day: z.string(),
  open: z.boolean(),
  closedReason: z.enum(['weekend', 'holiday', 'before_open', 'after_close']).nullable(),
  /** The day's session (running, over or ahead) closes early. */
  earlyClose: z.boolean(),
  /** ISO 8601, while open. */
  closesAt: z.string().nullable(),
  /** ISO 8601: the next session's open (the following one while open). */
  nextOpen: z.string(),
  nextOpenDay: z.string(),
  nextOpenEarlyClose: z.boolean(),
  /** Quotes come from the built-in paper gateway's generated market. */
  syntheticPrices: z.boolean(),
});
export type MarketStatus = z.infer<typeof MarketStatus>;
