export { CHECKPOINT_FILE, type Checkpoint, CheckpointFile } from './checkpoints.js';
export { GENESIS_HASH, keyedRecordHash, recordHash } from './hash.js';
export { AUDIT_KEY_ENV, AUDIT_KEY_FILE_NAME, AuditKey, type AuditKeyOrigin, loadAuditKey } from './key.js';
export {
  type AuditEntry,
  type AuditHead,
  type AuditJson,
  AuditKeyMismatchError,
  AuditLog,
  type AuditLogOptions,
  type AuditQuery,
  type AuditRecord,
  auditHead,
  type OpenAuditLogOptions,
  openAuditLog,
} from './log.js';
export type { BreakKind, VerifyResult } from './verify.js';
