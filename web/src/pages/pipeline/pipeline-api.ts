import type {
  PipelineRunView,
  RunNowRequest,
  RunNowResponse,
  ScheduleResponse,
} from '../../../../src/contract/pipeline';
import { request } from '../../api/client';

export type {
  PipelineRunView,
  PipelineStepView,
  RunNowResponse,
  ScheduleResponse,
} from '../../../../src/contract/pipeline';

/** The weekly pipeline's endpoints, on the shared client (session cookie, CSRF token, error bodies). */
export const pipelineApi = {
  runs: (projectId: number | null, limit = 20) =>
    request<{ runs: PipelineRunView[] }>('GET', '/api/pipeline/runs', {
      query: { limit, ...(projectId !== null ? { project: projectId } : {}) },
    }),
  run: (id: number) => request<{ run: PipelineRunView }>('GET', `/api/pipeline/runs/${id}`),
  runNow: (body: RunNowRequest) => request<RunNowResponse>('POST', '/api/pipeline/run', { body }),
  schedule: (projectId: number) => request<ScheduleResponse>('GET', `/api/pipeline/schedule/${projectId}`),
  setPaused: (projectId: number, paused: boolean, reason: string) =>
    request<ScheduleResponse>('POST', `/api/pipeline/schedule/${projectId}`, { body: { paused, reason } }),
};
