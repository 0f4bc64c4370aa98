import { z } from 'zod';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const SettingsBody = z
  .object({
    values: z.record(z.string().max(64), z.union([z.string().max(4096), z.number(), z.null()]), {
      error: 'must be an object of KEY: value',
    }),
    /** The account id typed again; required to switch IB_MODE to live. */
    confirmLiveAccount: z.string().max(64).optional(),
  })
  .strict();

export function registerSettingsRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/settings', async () => ({ settings: await deps.ctx.settings.views() }));

  app.put('/api/settings', { schema: { body: SettingsBody } }, async (request) => {
    const actor = request.session?.username ?? 'unknown';
    await deps.ctx.settings.update(request.body.values, actor, {
      confirmLiveAccount: request.body.confirmLiveAccount,
    });
    return { settings: await deps.ctx.settings.views() };
  });
}
