import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const AUDIT_KEY_ENV = 'IBLOOP_AUDIT_KEY';
export const AUDIT_KEY_FILE_NAME = 'audit.key';

export type AuditKeyOrigin = 'env' | 'file' | 'file-created' | 'ephemeral';

const KeyText = z
  .string()
  .trim()
  .transform((text) =>
    /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64'),
  )
  .refine((bytes) => bytes.length === 32, 'must be 32 bytes as 64 hex characters or base64');

/**
 * The key that makes the audit chain tamper-evident. The bytes sit in a KeyObject so that logging or
 * inspecting an AuditLog never prints them; only a fingerprint (`id`) is ever stored or shown.
 */
export class AuditKey {
  /** HMAC of a fixed label: identifies the key without revealing it. */
  readonly id: string;

  private constructor(
    readonly secret: KeyObject,
    readonly origin: AuditKeyOrigin,
  ) {
    this.id = createHmac('sha256', secret).update('ibloop-audit-key-id').digest('hex').slice(0, 16);
  }

  /** `where` names the source in the error (the env var or the file). */
  static parse(text: string, origin: AuditKeyOrigin, where: string): AuditKey {
    const parsed = KeyText.safeParse(text);
    if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues[0]?.message ?? 'invalid key'}`);
    return new AuditKey(createSecretKey(parsed.data), origin);
  }

  static fromBytes(bytes: Buffer, origin: AuditKeyOrigin = 'env'): AuditKey {
    if (bytes.length !== 32) throw new Error('audit key must be 32 bytes');
    return new AuditKey(createSecretKey(Buffer.from(bytes)), origin);
  }

  /**
   * A random key that lives as long as the process: for tests and tools that never verify the chain
   * from another process. Its id is not recorded in the database, so it never claims the chain.
   */
  static ephemeral(): AuditKey {
    return new AuditKey(createSecretKey(randomBytes(32)), 'ephemeral');
  }
}

/**
 * The key comes from IBLOOP_AUDIT_KEY (64 hex chars or base64 of 32 bytes) or from DATA_ROOT/audit.key,
 * created on first run with mode 0600. Replicas that share one database must share one key.
 */
export function loadAuditKey(envValue: string | undefined, dataRoot: string): AuditKey {
  if (envValue !== undefined && envValue.trim() !== '') return AuditKey.parse(envValue, 'env', AUDIT_KEY_ENV);
  const file = path.join(dataRoot, AUDIT_KEY_FILE_NAME);
  const existing = readKeyFile(file);
  if (existing) return existing;
  mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
  const bytes = randomBytes(32);
  // Written to a private temporary name and then linked into place, so that a second process
  // starting at the same moment sees either no key file or a complete one, never a half-written one.
  const temp = path.join(
    dataRoot,
    `.${AUDIT_KEY_FILE_NAME}.${process.pid}.${randomBytes(4).toString('hex')}`,
  );
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${bytes.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readKeyFile(file);
    if (winner) return winner;
    throw error;
  } finally {
    unlinkSync(temp);
  }
  return AuditKey.fromBytes(bytes, 'file-created');
}

function readKeyFile(file: string): AuditKey | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return AuditKey.parse(text, 'file', file);
}
