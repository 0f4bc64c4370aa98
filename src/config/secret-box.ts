import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

const FORMAT = 'v1';
export const KEY_FILE_NAME = 'secret.key';

/** AES-256-GCM; the setting key is bound as associated data so a ciphertext can't be moved to another key. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  }

  encrypt(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      FORMAT,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  decrypt(sealed: string, context: string): string {
    const [format, iv, tag, body] = sealed.split(':');
    if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}

export interface KeySource {
  box: SecretBox;
  origin: 'env' | 'file-created' | 'file';
}

/**
 * The key comes from IBLOOP_SECRET_KEY (64 hex chars or base64 of 32 bytes) or from a key file under
 * the data root, created on first run with mode 0600.
 */
export function loadSecretBox(envValue: string | undefined, dataRoot: string): KeySource {
  if (envValue !== undefined && envValue !== '') {
    return { box: new SecretBox(decodeKey(envValue, 'IBLOOP_SECRET_KEY')), origin: 'env' };
  }
  const file = path.join(dataRoot, KEY_FILE_NAME);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { box: new SecretBox(decodeKey(readFileSync(file, 'utf8').trim(), file)), origin: 'file' };
  }
  // Owner-only: the data root holds this key and the SQLite database.
  mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // Replicas may start together: the key is written whole to a private file, then linked into place,
  // which fails for all but one; the others read the winner's key (never a half-written file).
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { box: new SecretBox(decodeKey(readFileSync(file, 'utf8').trim(), file)), origin: 'file' };
  } finally {
    rmSync(draft, { force: true });
  }
  return { box: new SecretBox(key), origin: 'file-created' };
}

function decodeKey(raw: string, where: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where}: must be 32 bytes as 64 hex characters or base64`);
  return key;
}
