import { SettingsResponse, SettingsUpdateRequest } from '../../contract/core.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

export function registerSettingsRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/settings', { schema: { response: { 200: SettingsResponse } } }, async () => ({
    settings: await deps.ctx.settings.views(),
  }));

  app.put(
    '/api/settings',
    { schema: { body: SettingsUpdateRequest, response: { 200: SettingsResponse } } },
    async (request) => {
      const actor = request.session?.username ?? 'unknown';
      await deps.ctx.settings.update(request.body.values, actor, {
        confirmLiveAccount: request.body.confirmLiveAccount,
      });
      return { settings: await deps.ctx.settings.views() };
    },
  );
}
