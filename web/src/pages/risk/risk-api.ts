import type { TradeRun } from '../../../../src/contract/execution';
import type { HaltInput, ResumeInput } from '../../../../src/contract/risk';
import type {
  FallbackResponse,
  RiskEventsResponse,
  RiskStateChangeResponse,
  RiskStatusResponse,
} from '../../api';
import { request } from '../../api/client';

/** The risk endpoints, on the shared client (session cookie, CSRF token, error bodies). */
export const riskApi = {
  status: () => request<RiskStatusResponse>('GET', '/api/risk/status'),
  events: (limit = 100) => request<RiskEventsResponse>('GET', '/api/risk/events', { query: { limit } }),
  halt: (body: HaltInput) => request<RiskStateChangeResponse>('POST', '/api/risk/halt', { body }),
  /** Newest runs first: each project's newest checked run gives its pre-trade bars. */
  runs: () => request<{ runs: TradeRun[] }>('GET', '/api/execution/runs', { query: { limit: 100 } }),
  fallback: (project: number) =>
    request<FallbackResponse>('GET', '/api/risk/fallback', { query: { project } }),
  resume: (body: ResumeInput) => request<RiskStateChangeResponse>('POST', '/api/risk/resume', { body }),
};
