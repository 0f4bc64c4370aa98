export { GENESIS_HASH, recordHash } from './hash.js';
export {
  type AuditEntry,
  type AuditJson,
  AuditLog,
  type AuditQuery,
  type AuditRecord,
  type VerifyResult,
} from './log.js';
