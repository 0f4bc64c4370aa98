export {
  JOB_STATUSES,
  type Job,
  type JobHandle,
  type JobOutcome,
  type JobProgressEvent,
  type JobRequest,
  JobRunner,
  type JobRunnerDeps,
  type JobStatus,
  type StartedJob,
} from './runner.js';
