/**
 * The API's own description: every route's zod schemas (src/contract) become an OpenAPI document
 * (served at /api/docs/json and viewed at /api/docs, private like every route) and a table of route
 * contracts that the tests validate each response against.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiErrorBody, ERROR_RESPONSES } from '../contract/errors.js';
import { messageSchema } from '../contract/messages.js';

export const API_DOCS_PREFIX = '/api/docs';

// Named once in the document (components) and referred to from every route, rather than restated in
// each of the hundreds of places they appear.
for (const [schema, id] of [
  [ApiErrorBody, 'ApiError'],
  [messageSchema, 'Message'],
] as const) {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}

/**
 * Every API route may answer these errors besides its own (a route's own declaration of a status
 * wins): the auth wall, CSRF, validation, the host check and the error handler answer them all.
 */
function withErrorResponses(schema: FastifySchema | undefined): FastifySchema {
  const declared = (schema?.response ?? {}) as Record<string, unknown>;
  return { ...schema, response: { ...ERROR_RESPONSES, ...declared } };
}
export const API_VERSION = '1';

/** What one route promises: its method, URL pattern and the schemas it declared. */
export interface RouteContract {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route with its schemas, in registration order (the documentation routes excluded). */
    routeContracts: readonly RouteContract[];
  }
}

/**
 * Servers of this process, so that an in-process client (the test suite's ApiClient) can find the
 * contracts of the server it talks to by its port and check every answer against them.
 */
const running = new Set<FastifyInstance>();

/** The route contracts of the server of this process listening on `port`, if there is one. */
export function routeContractsAt(port: number): readonly RouteContract[] | undefined {
  for (const app of running) {
    const address = app.server.address();
    if (typeof address === 'object' && address !== null && address.port === port) return app.routeContracts;
  }
  return undefined;
}

/** One answer as its handler produced it, before the response schema serialized it. */
export interface AnswerPayload {
  readonly port: number;
  readonly method: string;
  /** As requested (path and query). */
  readonly url: string;
  readonly route: RouteContract;
  readonly status: number;
  readonly payload: unknown;
}

export type PayloadObserver = (answer: AnswerPayload) => void;

const payloadObservers = new Set<PayloadObserver>();

/**
 * Lets an in-process observer (the test suite's contract check) see every object answer before the
 * zod serializer drops the fields its schema does not name, which would otherwise hide a schema that
 * forgot a field. Servers built while no observer is registered get no hook at all, so production
 * pays nothing; register before building the server. Returns the unregister function.
 */
export function observeAnswerPayloads(observer: PayloadObserver): () => void {
  payloadObservers.add(observer);
  return () => {
    payloadObservers.delete(observer);
  };
}

type OpenApiDocument = ReturnType<typeof jsonSchemaTransformObject>;

/**
 * The common error answers once under components.responses, referred to from each operation: the
 * same nine answers restated on every route would be most of the document.
 */
function sharedErrorResponses(document: OpenApiDocument): OpenApiDocument {
  const shared: Record<
    string,
    { description: string; content: Record<string, { schema: { $ref: string } }> }
  > = {};
  const refs = new Map<string, string>();
  for (const [status, answer] of Object.entries(ERROR_RESPONSES)) {
    const name = `Error${status}`;
    const rendered = {
      description: answer.description,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } },
    };
    shared[name] = rendered;
    refs.set(`${status} ${JSON.stringify(rendered)}`, `#/components/responses/${name}`);
  }
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations ?? {})) {
      const responses: unknown = Reflect.get(operation ?? {}, 'responses');
      if (typeof responses !== 'object' || responses === null) continue;
      for (const [status, answer] of Object.entries(responses)) {
        const ref = refs.get(`${status} ${JSON.stringify(answer)}`);
        if (ref) Reflect.set(responses, status, { $ref: ref });
      }
    }
  }
  // The document's type is a union over OpenAPI versions; the part changed is the same in each.
  const components: unknown = Reflect.get(document, 'components');
  Reflect.set(document, 'components', { ...(components ?? {}), responses: shared });
  return document;
}

/** Registers the document and its viewer; call before the API's routes so that all of them are seen. */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  // Fixed, not the package version: the checked-in document changes only when the API does.
  const version = API_VERSION;
  const contracts: RouteContract[] = [];
  app.decorate('routeContracts', contracts);
  running.add(app);
  app.addHook('onClose', async () => {
    running.delete(app);
  });
  if (payloadObservers.size > 0) {
    app.addHook('preSerialization', async (request, reply, payload) => {
      const address = app.server.address();
      const url = request.routeOptions.url;
      if (typeof address !== 'object' || address === null || !url?.startsWith('/api/')) return payload;
      const answer: AnswerPayload = {
        port: address.port,
        method: request.method,
        url: request.url,
        route: { method: request.method, url, schema: request.routeOptions.schema },
        status: reply.statusCode,
        payload,
      };
      for (const observer of payloadObservers) observer(answer);
      return payload;
    });
  }
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/') || route.url.startsWith(API_DOCS_PREFIX)) return;
    route.schema = withErrorResponses(route.schema);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      contracts.push({ method, url: route.url, schema: route.schema });
    }
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ibloop API',
        version,
        description:
          'Every route needs a session (POST /api/auth/login) except those marked public; ' +
          'changing requests also carry the x-csrf-token header returned by login. Errors answer ' +
          '{ error: { code, message, fields?, text?, details? } }.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'ibloop_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
      security: [{ session: [] }],
    },
    // Only the API: the web app's static files and the single-page fallback are not part of it.
    transform: (input) =>
      input.url.startsWith('/api/') ? jsonSchemaTransform(input) : { schema: { hide: true }, url: input.url },
    transformObject: (input) => sharedErrorResponses(jsonSchemaTransformObject(input)),
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: API_DOCS_PREFIX,
    // The viewer's own files only; the server's CSP (scripts from itself) stays as it is.
    staticCSP: false,
    uiConfig: { docExpansion: 'list', deepLinking: false },
  });
}
