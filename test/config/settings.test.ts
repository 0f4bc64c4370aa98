import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppContext, openAppContext } from '../../src/app/context.js';
import {
  ConfigError,
  KEY_FILE_NAME,
  loadBootstrapConfig,
  loadSecretBox,
  maskSecret,
  SecretBox,
} from '../../src/config/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('masking', () => {
  it('keeps two characters at each end of long values', () => {
    expect(maskSecret('DU1234567')).toBe('DU****67');
    expect(maskSecret('short')).toBe('****');
  });
});

describe('bootstrap validation', () => {
  it('names every bad key and the reason', () => {
    const issues = issuesOf(() =>
      loadBootstrapConfig({
        env: { IB_PORT: '70000', IB_MODE: 'real', IB_CLIENT_ID: 'x', LISTEN_PORT: '-1' },
      }),
    );
    const byKey = Object.fromEntries(issues.map((i) => [i.key, i.message]));
    expect(byKey.IB_PORT).toMatch(/between 1 and 65535/);
    expect(byKey.IB_MODE).toMatch(/paper.*live/);
    expect(byKey.IB_CLIENT_ID).toMatch(/number/);
    expect(byKey.LISTEN_PORT).toMatch(/between 0 and 65535/);
  });

  it('reads a YAML config file, refuses unknown keys and lets the environment win', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-cfg-'));
    const file = path.join(dir, 'ibloop.yaml');
    writeFileSync(file, 'IB_PORT: 4001\nIB_HOST: gateway.local\n');
    const config = loadBootstrapConfig({ env: { IB_PORT: '7497' }, configFile: file });
    expect(config.fromEnv.IB_PORT).toBe(7497);
    expect(config.fromFile.IB_HOST).toBe('gateway.local');
    writeFileSync(file, 'IB_PORTT: 4001\n');
    expect(issuesOf(() => loadBootstrapConfig({ env: {}, configFile: file }))[0]).toMatchObject({
      key: 'IB_PORTT',
      message: 'unknown setting',
    });
    writeFileSync(file, '{ not yaml: [');
    expect(issuesOf(() => loadBootstrapConfig({ env: {}, configFile: file }))[0]?.message).toMatch(
      /not valid/,
    );
  });
});

describe('secret box', () => {
  it('creates a 0600 key file on first run and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ibloop-key-'));
    const first = loadSecretBox(undefined, dir);
    expect(first.origin).toBe('file-created');
    expect(statSync(path.join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    const sealed = first.box.encrypt('DU1234567', 'IB_ACCOUNT');
    const second = loadSecretBox(undefined, dir);
    expect(second.origin).toBe('file');
    expect(second.box.decrypt(sealed, 'IB_ACCOUNT')).toBe('DU1234567');
  });

  it('refuses a ciphertext moved to another key or tampered with', () => {
    const box = new SecretBox(Buffer.alloc(32, 7));
    const sealed = box.encrypt('secret-token', 'TELEGRAM_BOT_TOKEN');
    expect(() => box.decrypt(sealed, 'ALPHA_VANTAGE_API_KEY')).toThrow();
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => box.decrypt(tampered, 'TELEGRAM_BOT_TOKEN')).toThrow();
  });

  it('rejects a malformed IBLOOP_SECRET_KEY', () => {
    expect(() => loadSecretBox('too-short', '/nonexistent')).toThrow(/IBLOOP_SECRET_KEY/);
  });
});

describe.each(ENGINES)('settings service on %s', (engine) => {
  let ctx: AppContext;
  let target: EngineTarget;

  afterEach(async () => {
    await ctx.close();
    target.cleanup();
  });

  async function open(env: Record<string, string> = {}) {
    target = await freshTarget(engine);
    const fullEnv = { ...env, ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}) };
    ctx = await openAppContext(
      loadBootstrapConfig({ env: fullEnv, overrides: { DATA_ROOT: target.dataRoot } }),
      {
        logSink: () => {},
      },
    );
  }

  it('stores secrets encrypted, shows them masked and audits the change masked', async () => {
    await open();
    await ctx.settings.update({ IB_ACCOUNT: 'DU1234567', IB_PORT: '4001' }, 'alice');
    const row = await ctx.store.db
      .selectFrom('settings')
      .selectAll()
      .where('key', '=', 'IB_ACCOUNT')
      .executeTakeFirstOrThrow();
    expect(row.encrypted).toBe(1);
    expect(row.value).not.toContain('DU1234567');
    const views = await ctx.settings.views();
    expect(views.find((v) => v.key === 'IB_ACCOUNT')).toMatchObject({
      value: 'DU****67',
      source: 'db',
      secret: true,
    });
    expect(views.find((v) => v.key === 'IB_PORT')).toMatchObject({ value: 4001, source: 'db' });
    const audit = await ctx.audit.list({ action: 'settings.update' });
    expect(audit.items[0]?.after).toEqual({ IB_ACCOUNT: 'DU****67', IB_PORT: 4001 });
    expect(JSON.stringify(audit)).not.toContain('DU1234567');
  });

  it('stores nothing when any value is bad', async () => {
    await open();
    await expect(ctx.settings.update({ IB_PORT: '70000', IB_HOST: 'ok.example' }, 'alice')).rejects.toThrow(
      ConfigError,
    );
    expect(await ctx.store.db.selectFrom('settings').selectAll().execute()).toEqual([]);
    expect((await ctx.audit.list({})).total).toBe(0);
  });

  it('refuses keys set by the environment, bootstrap keys and unknown keys', async () => {
    await open({ IB_HOST: 'from-env' });
    const error = await ctx.settings
      .update({ IB_HOST: 'x', DATA_ROOT: '/tmp', NOPE: '1' }, 'alice')
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const fields = (error as ConfigError).issues.map((i) => i.key).sort();
    expect(fields).toEqual(['DATA_ROOT', 'IB_HOST', 'NOPE']);
  });

  it('treats a mask sent back unchanged as no change, and removes a value set to null', async () => {
    await open();
    await ctx.settings.update({ IB_ACCOUNT: 'DU1234567' }, 'alice');
    expect((await ctx.settings.update({ IB_ACCOUNT: 'DU****67' }, 'alice')).changed).toEqual([]);
    await expect(ctx.settings.update({ IB_ACCOUNT: 'XY****99' }, 'alice')).rejects.toThrow(/masked/);
    expect((await ctx.settings.update({ IB_ACCOUNT: null }, 'alice')).changed).toEqual(['IB_ACCOUNT']);
    expect((await ctx.settings.resolve()).IB_ACCOUNT.source).toBe('unset');
  });
});

describe('switching to live mode', () => {
  it('needs a live account and the account id typed again, and is audited', async () => {
    const target = await freshTarget('sqlite');
    const ctx = await openAppContext(
      loadBootstrapConfig({ env: {}, overrides: { DATA_ROOT: target.dataRoot } }),
      {
        logSink: () => {},
      },
    );
    try {
      await expect(ctx.settings.update({ IB_MODE: 'live' }, 'alice')).rejects.toThrow(
        /IB_MODE.*set IB_ACCOUNT/,
      );
      await ctx.settings.update({ IB_ACCOUNT: 'DU1234567' }, 'alice');
      await expect(
        ctx.settings.update({ IB_MODE: 'live' }, 'alice', { confirmLiveAccount: 'DU1234567' }),
      ).rejects.toThrow(/paper account/);
      await ctx.settings.update({ IB_ACCOUNT: 'U7654321' }, 'alice');
      await expect(ctx.settings.update({ IB_MODE: 'live' }, 'alice')).rejects.toThrow(/confirmation/);
      await expect(
        ctx.settings.update({ IB_MODE: 'live' }, 'alice', { confirmLiveAccount: 'U765432' }),
      ).rejects.toThrow(/confirmation/);
      expect((await ctx.settings.resolve()).IB_MODE.value).toBe('paper');
      await ctx.settings.update({ IB_MODE: 'live' }, 'alice', { confirmLiveAccount: 'U7654321' });
      expect((await ctx.settings.resolve()).IB_MODE.value).toBe('live');
      const audit = await ctx.audit.list({ action: 'settings.update.live' });
      expect(audit.items[0]?.after).toEqual({ IB_MODE: 'live' });
      // Going back to paper needs no confirmation.
      await ctx.settings.update({ IB_MODE: 'paper' }, 'alice');
      expect((await ctx.settings.resolve()).IB_MODE.value).toBe('paper');
    } finally {
      await ctx.close();
      target.cleanup();
    }
  });
});
