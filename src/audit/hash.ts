import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  id: number;
  time: string;
  actor: string;
  action: string;
  target: string;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
}

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
