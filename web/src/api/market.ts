import { request } from './client';

/** `GET /api/market/status`: the NYSE's regular-session state by the server's clock. */
export interface MarketStatus {
  /** ISO 8601: the server's time when it answered. */
  now: string;
  /** New York calendar day. */
  day: string;
  open: boolean;
  closedReason: 'weekend' | 'holiday' | 'before_open' | 'after_close' | null;
  /** The day's session (running, over or ahead) closes early. */
  earlyClose: boolean;
  /** ISO 8601, while open. */
  closesAt: string | null;
  /** ISO 8601: the next session's open (the following one while open). */
  nextOpen: string;
  nextOpenDay: string;
  nextOpenEarlyClose: boolean;
  /** Quotes come from the built-in paper gateway's generated market. */
  syntheticPrices: boolean;
}

export const marketApi = {
  status: () => request<MarketStatus>('GET', '/api/market/status'),
};
