export type * from './account-types';
export { ApiError, api, EVENTS_URL, onUnauthenticated, setCsrfToken, themeExportUrl } from './client';
export type * from './live-types';
export { type MarketStatus, marketApi } from './market';
export type * from './research-types';
export type * from './risk-types';
export type * from './types';
