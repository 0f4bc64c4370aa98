import { createHash, createHmac, type KeyObject } from 'node:crypto';
import type { AuditLogTable } from '../store/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Every column of an audit record except its own hash. */
export type HashedFields = Omit<AuditLogTable, 'hash'>;

/**
 * The hash covers the record's id and its predecessor's hash, so editing, deleting, inserting or
 * reordering any record breaks the chain at that record.
 */
function canonical(fields: HashedFields): string {
  return JSON.stringify([
    fields.id,
    fields.time,
    fields.actor,
    fields.action,
    fields.target,
    fields.before_json,
    fields.after_json,
    fields.prev_hash,
  ]);
}

/**
 * The scheme before 0006_audit_keyed: plain SHA-256, which anyone with write access to the database
 * can recompute. Kept so that records written before the upgrade still verify.
 */
export function recordHash(fields: HashedFields): string {
  return createHash('sha256').update(canonical(fields)).digest('hex');
}

/**
 * HMAC-SHA256 with the audit key, which lives outside the database: a database writer can no longer
 * produce a hash that verifies. The scheme tag keeps a keyed hash from ever equalling a plain one.
 */
export function keyedRecordHash(key: KeyObject, fields: HashedFields): string {
  return createHmac('sha256', key).update('ibloop-audit-v2\n').update(canonical(fields)).digest('hex');
}
