import {
  IdParams,
  ProjectDetail,
  ProjectListResponse,
  ProjectResponse,
  ProjectVersionResponse,
  VersionParams,
} from '../../contract/catalog.js';
import { projectInputSchema, projectPatchSchema } from '../../projects/index.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

export function registerProjectRoutes(app: Api, deps: ServerDeps): void {
  const projects = deps.ctx.projects;
  const actor = (session: { username: string } | undefined) => session?.username ?? 'unknown';

  app.get('/api/projects', { schema: { response: { 200: ProjectListResponse } } }, async () => ({
    projects: await projects.list(),
  }));

  app.post(
    '/api/projects',
    { schema: { body: projectInputSchema, response: { 201: ProjectResponse } } },
    async (request, reply) => {
      const project = await projects.create(request.body, actor(request.session));
      return reply.code(201).send({ project });
    },
  );

  app.get(
    '/api/projects/:id',
    { schema: { params: IdParams, response: { 200: ProjectDetail } } },
    async (request) => {
      const project = await projects.get(request.params.id);
      const [versions, universe] = await Promise.all([
        projects.versions(project.id),
        projects.universe(project.id),
      ]);
      return { project, versions, universe };
    },
  );

  app.put(
    '/api/projects/:id',
    { schema: { params: IdParams, body: projectPatchSchema, response: { 200: ProjectResponse } } },
    async (request) => ({
      project: await projects.update(request.params.id, request.body, actor(request.session)),
    }),
  );

  app.get(
    '/api/projects/:id/versions/:version',
    { schema: { params: VersionParams, response: { 200: ProjectVersionResponse } } },
    async (request) => ({
      version: await projects.version(request.params.id, request.params.version),
    }),
  );
}
