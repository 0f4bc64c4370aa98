export {
  DEFAULT_LEASE_NAME,
  ExecutionLease,
  LeaseLostError,
  type LeaseOptions,
  type LeaseView,
  readLease,
} from './lease.js';
