import type { MarketStatus } from '../../../src/contract/account';
import { request } from './client';

export type { MarketStatus } from '../../../src/contract/account';

export const marketApi = {
  status: () => request<MarketStatus>('GET', '/api/market/status'),
};
