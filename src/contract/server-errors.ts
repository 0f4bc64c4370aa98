/**
 * What the HTTP edge itself says (the auth wall, login, unknown routes, malformed requests, the last
 * resort 500), why a setting cannot be saved or read (src/config), and the field reasons that zod
 * refinements carry: part of the message catalogue (src/contract/messages.ts). Chinese texts in
 * server-errors.zh-CN.ts; English is the template here.
 */
import { def, type MessageDef } from './message-def.js';

export const SERVER_ERRORS = {
  // The auth wall (src/server/auth/wall.ts) and the event stream.
  HOST_NOT_SERVED: def({}, 'this host name is not served here'),
  CROSS_ORIGIN_REFUSED: def({}, 'cross-origin request refused'),
  CSRF_TOKEN_WRONG: def({}, 'missing or wrong x-csrf-token header'),
  LOGIN_REQUIRED: def({}, 'log in first'),
  // Logging in (src/server/routes/auth.ts).
  LOGIN_WRONG_CREDENTIALS: def({}, 'wrong username or password'),
  LOGIN_FAILURES_THROTTLED: def({ seconds: 'number' }, 'too many failed logins; try again in {{seconds}} s'),
  LOGIN_ATTEMPTS_LIMITED: def({ seconds: 'number' }, 'too many login attempts; try again in {{seconds}} s'),
  // Requests the server cannot take (src/server/app.ts).
  ROUTE_NOT_FOUND: def({ method: 'text', path: 'text' }, 'no route {{method}} {{path}}'),
  REQUESTS_RATE_LIMITED: def({}, 'too many requests; try again later'),
  BODY_TOO_LARGE: def({}, 'the request body is too large'),
  BODY_NOT_JSON: def({}, 'the request body is not valid JSON'),
  BODY_EMPTY_JSON: def({}, 'the request body is empty but its content type says JSON'),
  BODY_MEDIA_TYPE_UNSUPPORTED: def({}, 'the content type of the request body is not supported'),
  // `detail` is the HTTP framework's own words.
  REQUEST_REFUSED: def(
    { status: 'number', detail: 'text' },
    'the request was refused ({{status}}): {{detail}}',
  ),
  // `detail` is the CSV parser's or the member check's own words.
  THEME_CSV_LINE_INVALID: def(
    { line: 'number', field: 'text', detail: 'text' },
    'line {{line}}, {{field}}: {{detail}}',
  ),
  INTERNAL_ERROR: def({}, 'internal error; see the server log'),
  // Settings (src/config): saved from the UI or read from the config file.
  SETTING_UNKNOWN: def({}, 'unknown setting'),
  SETTING_NOT_STORABLE: def({}, 'cannot be saved from the UI; set it in the environment or config file'),
  SETTING_SET_BY_ENV: def({}, 'is set by the environment, which takes precedence; change it there'),
  SETTING_SET_BY_FILE: def({}, 'is set by the config file, which takes precedence; change it there'),
  SETTING_MASKED_VALUE: def({}, 'looks like a masked value; enter the full value'),
  SETTING_NOT_SCALAR: def({}, 'must be a string or a number'),
  CONFIG_FILE_NOT_FOUND: def({}, 'file not found'),
  // `detail` is the YAML parser's own words.
  CONFIG_FILE_UNPARSABLE: def({ detail: 'text' }, 'not valid YAML/JSON: {{detail}}'),
  CONFIG_FILE_NOT_MAPPING: def({}, 'must be a mapping of KEY: value'),
  // Field reasons that a refinement names (carried in the zod issue's params, src/contract/issue-text.ts).
  FIELD_END_BEFORE_START: def({}, 'must not be before start'),
} as const satisfies Record<string, MessageDef>;
