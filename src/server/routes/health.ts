import { sql } from 'kysely';
import { HealthResponse } from '../../contract/core.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const startedAt = Date.now();

export function registerHealthRoutes(app: Api, deps: ServerDeps): void {
  app.get(
    '/api/health',
    { config: { public: true }, schema: { response: { 200: HealthResponse, 503: HealthResponse } } },
    async (_request, reply) => {
      const { store } = deps.ctx;
      const began = performance.now();
      let dbOk = true;
      try {
        await sql`select 1`.execute(store.db);
      } catch {
        dbOk = false;
      }
      const body = {
        status: dbOk ? ('ok' as const) : ('degraded' as const),
        version: process.env.npm_package_version ?? '0.1.0',
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        db: {
          ok: dbOk,
          engine: store.engine,
          latencyMs: Math.round((performance.now() - began) * 100) / 100,
        },
      };
      return reply.code(dbOk ? 200 : 503).send(body);
    },
  );
}
