import { z } from 'zod';
import { parseThemeCsv, themeCsv, themeInputSchema, themePatchSchema } from '../../universe/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const IdParams = z.object({ id: z.coerce.number().int().positive('must be a positive integer') }).strict();
const ImportBody = z
  .object({
    csv: z.string().min(1, 'must not be empty').max(2_000_000, 'at most 2 MB'),
    mode: z.enum(['replace', 'merge'], { error: 'must be "replace" or "merge"' }).default('replace'),
  })
  .strict();

export function registerThemeRoutes(app: Api, deps: ServerDeps): void {
  const themes = deps.ctx.themes;
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';

  app.get(
    '/api/themes',
    { schema: { querystring: z.object({ q: z.string().max(100).optional() }).strict() } },
    async (request) => ({
      themes: await themes.list(request.query.q),
    }),
  );

  app.post('/api/themes', { schema: { body: themeInputSchema } }, async (request, reply) => {
    const theme = await themes.create(request.body, actor(request.session));
    return reply.code(201).send({ theme });
  });

  app.get('/api/themes/:id', { schema: { params: IdParams } }, async (request) => ({
    theme: await themes.get(request.params.id),
  }));

  app.put('/api/themes/:id', { schema: { params: IdParams, body: themePatchSchema } }, async (request) => ({
    theme: await themes.update(request.params.id, request.body, actor(request.session)),
  }));

  app.delete('/api/themes/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await themes.remove(request.params.id, actor(request.session));
    return reply.code(204).send();
  });

  app.post('/api/themes/:id/import', { schema: { params: IdParams, body: ImportBody } }, async (request) => {
    const incoming = parseThemeCsv(request.body.csv);
    const current = await themes.get(request.params.id);
    const members =
      request.body.mode === 'replace'
        ? incoming
        : [...new Map([...current.members, ...incoming].map((m) => [m.symbol, m])).values()];
    return { theme: await themes.update(request.params.id, { members }, actor(request.session)) };
  });

  app.get('/api/themes/:id/export', { schema: { params: IdParams } }, async (request, reply) => {
    const theme = await themes.get(request.params.id);
    const fileName = `theme-${theme.id}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .send(themeCsv(theme.members));
  });
}
