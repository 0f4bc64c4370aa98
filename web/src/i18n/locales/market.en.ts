import type { marketZhCN } from './market.zh-CN';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Market status (header, trading badge, quotes) and the synthetic-data notice; same keys as market.zh-CN.ts. */
export const marketEn: Widen<typeof marketZhCN> = {
  open: 'Market open',
  closed: 'Market closed',
  earlyClose: 'Early close',
  closesAt: 'closes {{time}}',
  nextOpen: 'opens {{time}}',
  reasons: {
    weekend: 'Closed for the weekend',
    holiday: 'Closed for a holiday',
    before_open: 'Not open yet',
    after_close: 'Closed for the day',
  },
  earlyCloseToday: 'Early close today (13:00 New York)',
  nextEarlyClose: 'That session closes early (13:00 New York)',
  timeZone: 'New York',
  tooltip: 'NYSE regular trading hours, in New York time.',
  unknown: 'Market status unknown',
  badgeClosed: 'Connected, market closed',
  quoteClosed: 'Market closed',
  quoteClosedHint: 'The market is closed: quotes stay at the last session and resume at the open',
  synthetic: {
    title: 'Demo prices are synthetic',
    detail:
      'The built-in paper gateway generates prices from a model: the tickers are real, the prices are not market data. The demo project’s research data comes from the same model.',
    tag: 'Synthetic',
  },
};
