export {
  isJobFinished,
  JOB_STATUSES,
  type Job,
  JobAbortedError,
  type JobHandle,
  type JobOutcome,
  type JobProgressEvent,
  type JobRequest,
  JobRunner,
  type JobRunnerDeps,
  type JobStatus,
  type StartedJob,
} from './runner.js';
