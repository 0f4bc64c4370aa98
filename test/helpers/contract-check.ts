/**
 * The test suite's contract hook: every answer the ApiClient receives from an in-process server is
 * checked against the schema its route declares (matched by method and URL pattern from the server's
 * route table), error answers against the common error body, so a drift between server and contract
 * fails the test that saw it. The answer the client receives has already been through the schema,
 * which drops fields it does not name; so the server's payload is also seen before serialization
 * (`observeAnswerPayloads`) and a field the handler produced but the schema forgot fails the test too.
 */
import { ApiErrorBody } from '../../src/contract/errors.js';
import {
  type AnswerPayload,
  observeAnswerPayloads,
  type RouteContract,
  routeContractsAt,
} from '../../src/server/api-docs.js';

interface Validator {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: unknown[] } };
  /** What the server's serializer runs (zod's encode): fields the schema does not name are dropped. */
  safeEncode?(value: unknown): { success: true; data: unknown } | { success: false };
}

function isValidator(value: unknown): value is Validator {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'safeParse') === 'function';
}

const patterns = new WeakMap<RouteContract, RegExp>();

function patternOf(route: RouteContract): RegExp {
  let pattern = patterns.get(route);
  if (!pattern) {
    const source = route.url
      .split('/')
      .map((part) => {
        if (part === '*') return '.*';
        if (part.startsWith(':')) return '[^/]+';
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(route, pattern);
  }
  return pattern;
}

/** The route serving a request: literal segments win over parameters (as in the server's router). */
export function matchRoute(
  routes: readonly RouteContract[],
  method: string,
  path: string,
): RouteContract | undefined {
  const pathname = path.split('?')[0] ?? path;
  const candidates = routes.filter((r) => r.method === method && patternOf(r).test(pathname));
  const params = (r: RouteContract) => r.url.split('/').filter((p) => p.startsWith(':') || p === '*').length;
  return candidates.sort((a, b) => params(a) - params(b))[0];
}

/**
 * A declaration's schemas by media type: a bare schema is JSON's, `{ content: { <type>: { schema } } }`
 * names each type (text answers, event streams, the common errors).
 */
function schemasByMedia(declared: unknown): Map<string, unknown> {
  const media = new Map<string, unknown>();
  if (isValidator(declared)) media.set('application/json', declared);
  const content: unknown =
    typeof declared === 'object' && declared !== null ? Reflect.get(declared, 'content') : null;
  if (typeof content === 'object' && content !== null) {
    for (const [type, entry] of Object.entries(content)) {
      media.set(type, typeof entry === 'object' && entry !== null ? Reflect.get(entry, 'schema') : undefined);
    }
  }
  return media;
}

/** The JSON schema a route declared for a status: exact, then 2xx/4xx/5xx, then default. */
function responseSchema(route: RouteContract, status: number): Validator | undefined {
  const response = route.schema?.response;
  if (typeof response !== 'object' || response === null) return undefined;
  const table = response as Record<string, unknown>;
  for (const key of [String(status), `${Math.floor(status / 100)}xx`, 'default']) {
    const schema = schemasByMedia(table[key]).get('application/json');
    if (isValidator(schema)) return schema;
  }
  return undefined;
}

export class ContractViolation extends Error {
  override name = 'ContractViolation';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Paths of fields in `produced` that `served` lacks (both as JSON would carry them). */
export function undeclaredFields(produced: unknown, served: unknown, at = ''): string[] {
  if (Array.isArray(produced) && Array.isArray(served)) {
    return produced.flatMap((item, i) => undeclaredFields(item, served[i], `${at}[${i}]`));
  }
  if (!isPlainObject(produced) || !isPlainObject(served)) return [];
  return Object.entries(produced).flatMap(([key, value]) => {
    const path = at ? `${at}.${key}` : key;
    return key in served ? undeclaredFields(value, served[key], path) : [path];
  });
}

function asJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The fields of an answer that its route's schema would drop on the way out. */
export function droppedFields(schema: Validator, payload: unknown): string[] {
  const encoded = schema.safeEncode?.(payload);
  // A payload the schema refuses is the serializer's error (a 500 the test sees), not a dropped field.
  if (!encoded?.success) return [];
  return undeclaredFields(asJson(payload), asJson(encoded.data));
}

/**
 * Answers whose handler produced fields the schema does not declare, by server port, method and URL,
 * until the ApiClient that asked takes them (the observer runs before the answer leaves the server).
 */
const strictViolations = new Map<string, string[]>();

function answerKey(port: number, method: string, url: string): string {
  const parsed = new URL(url, 'http://in-process');
  return `${port} ${method.toUpperCase()} ${parsed.pathname}${parsed.search}`;
}

function recordDroppedFields(answer: AnswerPayload): void {
  const schema =
    responseSchema(answer.route, answer.status) ?? (answer.status >= 400 ? ApiErrorBody : undefined);
  if (!schema) return;
  const dropped = droppedFields(schema, answer.payload);
  if (dropped.length === 0) return;
  const message =
    `${answer.method} ${answer.url} answered ${answer.status} with fields its schema ` +
    `(${answer.route.url}) does not declare, which the serializer dropped: ${dropped.slice(0, 20).join(', ')}`;
  const key = answerKey(answer.port, answer.method, answer.url);
  strictViolations.set(key, [...(strictViolations.get(key) ?? []), message]);
}

// Registered when the suite's helpers load, before any test builds a server: only servers built
// with an observer present get the hook.
observeAnswerPayloads(recordDroppedFields);

function takeStrictViolation(baseUrl: string, method: string, path: string): string | undefined {
  const key = answerKey(Number(new URL(baseUrl).port), method, path);
  const found = strictViolations.get(key);
  strictViolations.delete(key);
  return found?.[0];
}

/**
 * Throws a ContractViolation when the answer does not match its route's contract. Answers of servers
 * not in this process, non-JSON answers and routes that declare no schema for the status pass.
 */
export function checkResponse(
  baseUrl: string,
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  const dropped = takeStrictViolation(baseUrl, method, path);
  if (dropped) throw new ContractViolation(dropped);
  const port = Number(new URL(baseUrl).port);
  const routes = routeContractsAt(port);
  if (!routes || !contentType?.includes('application/json')) return;
  const route = matchRoute(routes, method.toUpperCase(), path);
  const schema = (route && responseSchema(route, status)) ?? (status >= 400 ? ApiErrorBody : undefined);
  if (!schema) return;
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ContractViolation(
      `${method} ${path} answered ${status} outside its contract (${route?.url ?? 'no route'}): ` +
        JSON.stringify(result.error.issues).slice(0, 2000),
    );
  }
}

/**
 * Routes among `routes` that declare no schema for a success answer (200/201/202/204): a zod schema
 * for JSON, or a media type with its schema for a text answer or a stream.
 */
export function routesWithoutResponseSchema(routes: readonly RouteContract[]): string[] {
  return routes
    .filter((r) => {
      const response = (r.schema?.response ?? {}) as Record<string, unknown>;
      return !Object.entries(response).some(
        ([status, declared]) =>
          /^2\d\d$/.test(status) && [...schemasByMedia(declared).values()].some(isValidator),
      );
    })
    .map((r) => `${r.method} ${r.url}`);
}
