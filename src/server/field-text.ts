/**
 * The catalogued reason of one invalid field, from the zod issue behind a 400 (its code and numbers),
 * so that the web app says it in the UI language; the issue's own English message stays in `message`.
 * Works on zod's issues and on fastify-type-provider-zod's validation entries, which carry the issue's
 * code as `keyword` and the rest of the issue as `params`.
 */
import { type Message, msg } from '../contract/messages.js';

interface IssueLike {
  code: string;
  message?: string | undefined;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  origin?: unknown;
  expected?: unknown;
  keys?: unknown;
}

const SIZE_ORIGINS = ['string', 'array', 'set', 'file'];

export function fieldText(issue: IssueLike): Message {
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
      return msg('FIELD_INVALID', {});
  }
}
