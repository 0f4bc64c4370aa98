/**
 * The catalogued reason of one invalid field, from the zod issue behind it (its code and numbers), so
 * that every edge (HTTP, settings, research's training parameters) says it in the reader's language;
 * the issue's own English message stays the log's. Works on zod's issues and on
 * fastify-type-provider-zod's validation entries, which carry the issue's code as `keyword` and the
 * rest of the issue as `params` (spread back by the caller).
 *
 * A refinement names its own reason by putting a catalogued message in the issue's params:
 * `refine(check, { message, path, params: { text: msg('FIELD_END_BEFORE_START', {}) } })`.
 *
 * Pure zod/TypeScript: no Node or server imports.
 */
import { type Message, msg, parseMessage } from './messages.js';

export interface IssueLike {
  code: string;
  message?: string | undefined;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  origin?: unknown;
  expected?: unknown;
  keys?: unknown;
  /** A custom issue's params (zod `refine(..., { params })`). */
  params?: unknown;
}

const SIZE_ORIGINS = ['string', 'array', 'set', 'file'];

/** The message a refinement put in its issue's params, when it is a valid catalogued one. */
function namedText(params: unknown): Message | null {
  if (typeof params !== 'object' || params === null) return null;
  return parseMessage((params as { text?: unknown }).text);
}

export function issueText(issue: IssueLike): Message {
  const size = typeof issue.origin === 'string' && SIZE_ORIGINS.includes(issue.origin);
  const exclusive = issue.inclusive === false;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return msg('FIELD_NOT_INTEGER', {});
      // zod reports a missing field as an invalid type whose input was undefined.
      return /received undefined/.test(issue.message ?? '')
        ? msg('FIELD_REQUIRED', {})
        : msg('FIELD_INVALID_TYPE', {});
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (size) return msg('FIELD_TOO_LONG', { maximum });
      return exclusive ? msg('FIELD_BELOW', { maximum }) : msg('FIELD_MAX', { maximum });
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (size) return msg('FIELD_TOO_SHORT', { minimum });
      return exclusive ? msg('FIELD_ABOVE', { minimum }) : msg('FIELD_MIN', { minimum });
    }
    case 'invalid_value':
      return msg('FIELD_NOT_ALLOWED', {});
    case 'invalid_format':
      return msg('FIELD_BAD_FORMAT', {});
    case 'unrecognized_keys':
      return msg('FIELD_UNKNOWN_KEYS', {
        keys: Array.isArray(issue.keys) ? issue.keys.map(String).join(', ') : '',
      });
    default:
      return namedText(issue.params) ?? msg('FIELD_INVALID', {});
  }
}
