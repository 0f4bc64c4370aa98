import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_KEY_FILE_NAME, loadAuditKey } from '../../src/audit/index.js';

describe('audit key', () => {
  let dataRoot: string;
  beforeEach(() => {
    dataRoot = mkdtempSync(path.join(tmpdir(), 'ibloop-audit-key-'));
  });
  afterEach(() => rmSync(dataRoot, { recursive: true, force: true }));

  it('is created once as an owner-only file under the data root and read back the same', () => {
    const first = loadAuditKey(undefined, dataRoot);
    expect(first.origin).toBe('file-created');
    const file = path.join(dataRoot, AUDIT_KEY_FILE_NAME);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadAuditKey('', dataRoot);
    expect(again).toMatchObject({ origin: 'file', id: first.id });
    // The fingerprint is all that identifies the key; the key bytes never show in it.
    expect(readFileSync(file, 'utf8')).not.toContain(first.id);
  });

  it('narrows a key file readable by others', () => {
    const file = path.join(dataRoot, AUDIT_KEY_FILE_NAME);
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`);
    chmodSync(file, 0o644);
    loadAuditKey(undefined, dataRoot);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('takes IBLOOP_AUDIT_KEY as 64 hex characters or base64, over the file', () => {
    const bytes = randomBytes(32);
    const hex = loadAuditKey(bytes.toString('hex'), dataRoot);
    const b64 = loadAuditKey(bytes.toString('base64'), dataRoot);
    expect(hex.origin).toBe('env');
    expect(hex.id).toBe(b64.id);
    expect(statSync(dataRoot).isDirectory()).toBe(true);
    expect(() => statSync(path.join(dataRoot, AUDIT_KEY_FILE_NAME))).toThrow();
  });

  it('refuses a malformed key, naming where it came from', () => {
    expect(() => loadAuditKey('too-short', dataRoot)).toThrow(/IBLOOP_AUDIT_KEY: must be 32 bytes/);
    writeFileSync(path.join(dataRoot, AUDIT_KEY_FILE_NAME), 'abc\n', { mode: 0o600 });
    expect(() => loadAuditKey(undefined, dataRoot)).toThrow(/audit\.key: must be 32 bytes/);
  });
});
