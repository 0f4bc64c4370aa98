import {
  IdParams,
  ThemeImportRequest,
  ThemeListQuery,
  ThemeListResponse,
  ThemeResponse,
} from '../../contract/catalog.js';
import { CsvText, NoContent } from '../../contract/text.js';
import { parseThemeCsv, themeCsv, themeInputSchema, themePatchSchema } from '../../universe/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

export function registerThemeRoutes(app: Api, deps: ServerDeps): void {
  const themes = deps.ctx.themes;
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';

  app.get(
    '/api/themes',
    { schema: { querystring: ThemeListQuery, response: { 200: ThemeListResponse } } },
    async (request) => ({
      themes: await themes.list(request.query.q),
    }),
  );

  app.post(
    '/api/themes',
    { schema: { body: themeInputSchema, response: { 201: ThemeResponse } } },
    async (request, reply) => {
      const theme = await themes.create(request.body, actor(request.session));
      return reply.code(201).send({ theme });
    },
  );

  app.get(
    '/api/themes/:id',
    { schema: { params: IdParams, response: { 200: ThemeResponse } } },
    async (request) => ({
      theme: await themes.get(request.params.id),
    }),
  );

  app.put(
    '/api/themes/:id',
    { schema: { params: IdParams, body: themePatchSchema, response: { 200: ThemeResponse } } },
    async (request) => ({
      theme: await themes.update(request.params.id, request.body, actor(request.session)),
    }),
  );

  app.delete(
    '/api/themes/:id',
    { schema: { params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
      await themes.remove(request.params.id, actor(request.session));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/themes/:id/import',
    { schema: { params: IdParams, body: ThemeImportRequest, response: { 200: ThemeResponse } } },
    async (request) => {
      const incoming = parseThemeCsv(request.body.csv);
      const current = await themes.get(request.params.id);
      const members =
        request.body.mode === 'replace'
          ? incoming
          : [...new Map([...current.members, ...incoming].map((m) => [m.symbol, m])).values()];
      return { theme: await themes.update(request.params.id, { members }, actor(request.session)) };
    },
  );

  app.get(
    '/api/themes/:id/export',
    { schema: { params: IdParams, response: { 200: CsvText } } },
    async (request, reply) => {
      const theme = await themes.get(request.params.id);
      const fileName = `theme-${theme.id}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(themeCsv(theme.members));
    },
  );
}
