import { createHash } from 'node:crypto';
import type { AuditLogTable } from '../store/index.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Every column of an audit record except its own hash. */
export type HashedFields = Omit<AuditLogTable, 'hash'>;

/**
 * The hash covers the record's id and its predecessor's hash, so editing, deleting, inserting or
 * reordering any record breaks the chain at that record.
 */
export function recordHash(fields: HashedFields): string {
  const canonical = JSON.stringify([
    fields.id,
    fields.time,
    fields.actor,
    fields.action,
    fields.target,
    fields.before_json,
    fields.after_json,
    fields.prev_hash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
