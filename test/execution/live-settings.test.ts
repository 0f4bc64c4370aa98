import { describe, expect, it } from 'vitest';
import { openAppContext } from '../../src/app/context.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { ENGINES, freshTarget } from '../helpers/engines.js';

describe.each(ENGINES)('changing where live orders go, on %s', (engineName) => {
  it('needs the (new) account typed again while live, is audited as confirmed, and not in paper', async () => {
    const target = await freshTarget(engineName);
    const ctx = await openAppContext(
      loadBootstrapConfig({
        env: {},
        overrides: {
          DATA_ROOT: target.dataRoot,
          ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
        },
      }),
      { logSink: () => {} },
    );
    const confirmed = async () =>
      (await ctx.audit.list({ action: 'settings.update.live-mode-confirmed' })).items.map((i) => i.after);
    try {
      await ctx.settings.update({ IB_ACCOUNT: 'U7654321' }, 'alice');
      await ctx.settings.update({ IB_MODE: 'live' }, 'alice', { confirmLiveAccount: 'U7654321' });

      const changes = [
        ['IB_PORT', 4001],
        ['IB_HOST', '10.0.0.5'],
        ['IB_CLIENT_ID', 9],
      ] as const;
      for (const [key, value] of changes) {
        const change = { [key]: value };
        await expect(ctx.settings.update(change, 'alice')).rejects.toThrow(
          new RegExp(`${key}.*changing ${key} while trading live needs confirmation`),
        );
        await expect(ctx.settings.update(change, 'alice', { confirmLiveAccount: 'U765432' })).rejects.toThrow(
          /confirmation/,
        );
        expect((await ctx.settings.resolve())[key].source).toBe('default');
        await ctx.settings.update(change, 'alice', { confirmLiveAccount: 'U7654321' });
        expect((await ctx.settings.resolve())[key].value).toBe(value);
      }
      // A new account: the new id is the one to type.
      await expect(
        ctx.settings.update({ IB_ACCOUNT: 'U1111111' }, 'alice', { confirmLiveAccount: 'U7654321' }),
      ).rejects.toThrow(/IB_ACCOUNT.*confirmation/);
      await expect(
        ctx.settings.update({ IB_ACCOUNT: 'DU1111111' }, 'alice', { confirmLiveAccount: 'DU1111111' }),
      ).rejects.toThrow(/paper account/);
      await ctx.settings.update({ IB_ACCOUNT: 'U1111111' }, 'alice', { confirmLiveAccount: 'U1111111' });
      expect(await confirmed()).toEqual([
        { IB_ACCOUNT: 'U1****11' },
        { IB_CLIENT_ID: 9 },
        { IB_HOST: '10.0.0.5' },
        { IB_PORT: 4001 },
        { IB_MODE: 'live' },
      ]);

      // Back in paper mode nothing needs confirming, and nothing is audited as a live confirmation.
      await ctx.settings.update({ IB_MODE: 'paper' }, 'alice');
      await ctx.settings.update({ IB_PORT: 4002, IB_ACCOUNT: 'DU1234567' }, 'alice');
      expect(await confirmed()).toHaveLength(5);
    } finally {
      await ctx.close();
      target.cleanup();
    }
  });
});
