import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { msg } from '../../contract/messages.js';
import { sendError } from '../errors.js';
import type { Accounts, SessionInfo } from './accounts.js';
import type { HostAllowList } from './hosts.js';

export const SESSION_COOKIE = 'ibloop_session';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session (health, login, session probe, static files). Private otherwise. */
    public?: boolean;
  }
  interface FastifyRequest {
    session: SessionInfo | undefined;
    sessionToken: string | undefined;
  }
}

/** One registered route as the wall sees it. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly public: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The auth wall. It decides on the route that matched (`request.routeOptions`), never on the raw
 * URL, so every spelling that reaches a handler (`/%61pi/...`, `http://x/api/...`) is checked the same
 * way. Every route is private unless its own options say `config: { public: true }`. A request that
 * matched no route reaches only the not-found handler, which serves no data.
 *
 * Returns the route table, filled as routes are registered (tests walk it).
 */
export function registerAuthWall(
  app: FastifyInstance,
  deps: { accounts: Accounts; hosts: HostAllowList },
): readonly RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.decorateRequest('session', undefined);
  app.decorateRequest('sessionToken', undefined);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    // Read later: hooks of an inner context (registerPublic) run after this one and may mark it.
    for (const method of methods) {
      routes.push({
        method,
        url: route.url,
        get public() {
          return route.config?.public === true;
        },
      });
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    // DNS rebinding: a page under the attacker's name resolving to 127.0.0.1 sends its own Host.
    if (!deps.hosts.allows(request.headers.host)) {
      return sendError(reply, 421, 'HOST_NOT_ALLOWED', msg('HOST_NOT_SERVED', {}));
    }
    if (request.routeOptions.url === undefined) return;
    const token = request.cookies[SESSION_COOKIE];
    request.sessionToken = token;
    request.session = await deps.accounts.session(token);
    const stateChanging = !SAFE_METHODS.has(request.method);
    if (stateChanging && !sameOrigin(request)) {
      return sendError(reply, 403, 'CSRF_FAILED', msg('CROSS_ORIGIN_REFUSED', {}));
    }
    if (request.routeOptions.config.public === true) return;
    if (!request.session) return sendError(reply, 401, 'UNAUTHENTICATED', msg('LOGIN_REQUIRED', {}));
    if (stateChanging && !csrfTokenMatches(request, request.session)) {
      return sendError(reply, 403, 'CSRF_FAILED', msg('CSRF_TOKEN_WRONG', {}));
    }
  });
  return routes;
}

/**
 * Marks every route registered inside `register` public; for plugins (static files) whose routes
 * can't carry our options. Use it only for routes that serve no data.
 */
export async function registerPublic(
  app: FastifyInstance,
  register: (child: FastifyInstance) => Promise<void>,
): Promise<void> {
  await app.register(async (child) => {
    child.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await register(child);
  });
}

function sameOrigin(request: FastifyRequest): boolean {
  // Browsers label cross-site requests even when they drop Origin (some redirects, old engines).
  if (request.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function csrfTokenMatches(request: FastifyRequest, session: SessionInfo): boolean {
  const header = request.headers['x-csrf-token'];
  if (typeof header !== 'string' || header.length === 0) return false;
  const given = Buffer.from(header);
  const expected = Buffer.from(session.csrfToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Whether a path that matched no route is meant for the API, however it is spelled (`/API/x`,
 * `//api/x`, `/%2561pi/x`, `http://host/api/x`): such requests get a JSON 404, never the web app.
 */
export function looksLikeApi(rawUrl: string): boolean {
  let path = rawUrl.split('?')[0] ?? '';
  path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  for (let i = 0; i < 4 && path.includes('%'); i += 1) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return true;
    }
  }
  path = path.replace(/[\\/]+/g, '/').toLowerCase();
  return /^\/\s*api(\/|$)/.test(path);
}
