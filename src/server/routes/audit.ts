import { AuditListResponse, AuditQuery, AuditVerifyResponse } from '../../contract/core.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

export function registerAuditRoutes(app: Api, deps: ServerDeps): void {
  app.get(
    '/api/audit',
    { schema: { querystring: AuditQuery, response: { 200: AuditListResponse } } },
    async (request) => {
      const q = request.query;
      const toIso = (t: string | undefined) => (t ? new Date(t).toISOString() : undefined);
      return deps.ctx.audit.list({ ...q, from: toIso(q.from), to: toIso(q.to) });
    },
  );

  app.get('/api/audit/verify', { schema: { response: { 200: AuditVerifyResponse } } }, async () =>
    deps.ctx.audit.verify(),
  );
}
