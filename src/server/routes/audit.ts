import { z } from 'zod';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' });

const AuditQuery = z
  .object({
    actor: z.string().max(200).optional(),
    action: z.string().max(200).optional(),
    target: z.string().max(200).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(500).default(50),
    offset: z.coerce.number().int('must be an integer').min(0).default(0),
  })
  .strict();

export function registerAuditRoutes(app: Api, deps: ServerDeps): void {
  app.get('/api/audit', { schema: { querystring: AuditQuery } }, async (request) => {
    const q = request.query;
    const toIso = (t: string | undefined) => (t ? new Date(t).toISOString() : undefined);
    return deps.ctx.audit.list({ ...q, from: toIso(q.from), to: toIso(q.to) });
  });

  app.get('/api/audit/verify', async () => deps.ctx.audit.verify());
}
