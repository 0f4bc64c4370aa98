export { ApiError, api, EVENTS_URL, onUnauthenticated, setCsrfToken } from './client';
export type * from './types';
