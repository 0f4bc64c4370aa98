import type {
  RiskEventsResponse,
  RiskStateChangeResponse,
  RiskStatusResponse,
  TradingStateName,
} from '../../api';
import { request } from '../../api/client';

export interface HaltInput {
  projectId?: number;
  to: Exclude<TradingStateName, 'ACTIVE'>;
  reason: string;
}

export interface ResumeInput {
  projectId?: number;
  to: Exclude<TradingStateName, 'HALTED'>;
  reason: string;
  confirm: string;
}

/** The risk endpoints, on the shared client (session cookie, CSRF token, error bodies). */
export const riskApi = {
  status: () => request<RiskStatusResponse>('GET', '/api/risk/status'),
  events: (limit = 100) => request<RiskEventsResponse>('GET', '/api/risk/events', { query: { limit } }),
  halt: (body: HaltInput) => request<RiskStateChangeResponse>('POST', '/api/risk/halt', { body }),
  resume: (body: ResumeInput) => request<RiskStateChangeResponse>('POST', '/api/risk/resume', { body }),
};
