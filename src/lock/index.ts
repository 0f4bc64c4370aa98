export {
  DEFAULT_LEASE_NAME,
  describeLease,
  ExecutionLease,
  LeaseLostError,
  type LeaseOptions,
  type LeaseView,
  readLease,
} from './lease.js';
