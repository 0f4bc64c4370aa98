export { ApiError, api, EVENTS_URL, onUnauthenticated, setCsrfToken, themeExportUrl } from './client';
export type * from './live-types';
export type * from './research-types';
export type * from './types';
