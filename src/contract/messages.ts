/**
 * The catalogue of what the server says to the UI: every message is a stable code with typed
 * parameters, never a sentence. The web app renders a message in the UI language from its own
 * locale files (web/src/i18n/locales/messages.*); the English template here is what logs, the CLI
 * and API users read, and the reference the translations are checked against (placeholders
 * `{{name}}`, the same syntax as the web's i18next).
 *
 * Pure zod/TypeScript: no Node or server imports, so the web app can import it.
 */
import { z } from 'zod';
import { ALERT_ERRORS } from './alert-errors.js';
import type { IbReason } from './ib.js';
import { ibReasonText } from './ib-reason-texts.js';
import { def, type MessageDef } from './message-def.js';
import { RESEARCH_ERRORS } from './research-errors.js';
import { SERVER_ERRORS } from './server-errors.js';
import { TRADING_ERRORS } from './trading-errors.js';

/**
 * Enumerations the server sends as raw values. The UI translates each value (messages.enums.*); a
 * message parameter of an enum kind is translated before it is put into the sentence.
 */
export const ENUMS = {
  connectionStatus: ['DISCONNECTED', 'CONNECTING', 'CONNECTED', 'DEGRADED'],
  jobStatus: ['queued', 'running', 'succeeded', 'failed', 'cancelled'],
  runStatus: ['PLANNING', 'SUBMITTING', 'WORKING', 'COMPLETED', 'FAILED', 'BLOCKED'],
  orderStatus: ['NEW', 'SUBMITTED', 'PARTIAL', 'FILLED', 'CANCELED', 'REJECTED', 'BLOCKED'],
  ibOrderStatus: [
    'ApiPending',
    'PendingSubmit',
    'PendingCancel',
    'PreSubmitted',
    'Submitted',
    'ApiCancelled',
    'Cancelled',
    'Filled',
    'Inactive',
  ],
  side: ['BUY', 'SELL'],
  orderType: ['MKT', 'LMT'],
  timeInForce: ['DAY', 'GTC'],
  mode: ['paper', 'live'],
  tradingState: ['ACTIVE', 'REDUCING', 'HALTED'],
  orderEventKind: ['applied', 'unchanged', 'refused', 'fill', 'ib-status', 'ib-error', 'cancel-request'],
  jobKind: [
    'data.import',
    'data.fetch',
    'train',
    'backtest',
    'ib.backfill',
    'ib.contracts',
    'demo.seed',
    'sweep',
  ],
  fetchEvent: ['request', 'rate-wait', 'retry-wait', 'done', 'failed'],
  /** Decision snapshots (src/contract/decisions.ts): kind, data source, risk-stage cut, dropped symbol. */
  snapshotKind: ['model', 'manual', 'fallback', 'defensive'],
  /** A trade run: the day's scheduled (weekly or manual) run, or a halt's defensive move. */
  runKind: ['scheduled', 'defensive'],
  snapshotSource: ['ib', 'manual', 'snapshot', 'risk'],
  defensiveAction: ['cash', 'asset'],
  cutReason: ['RISK_MAX_POSITION', 'RISK_MAX_SECTOR', 'RISK_MAX_GROSS'],
  dropReason: ['BARS_MISSING', 'BARS_STALE'],
  /** The weekly pipeline's checklist items (src/pipeline/live.ts) and the pre-trade rules, listed in failures. */
  checklistItem: [
    'ib.connected',
    'account.mode',
    'universe.conIds',
    'bars.complete',
    'quotes.fresh',
    'trading.active',
    'reconciliation.clean',
    'market.open',
    'lease.held',
  ],
  pretradeRule: ['funds', 'margin', 'exposure', 'fat-finger', 'state'],
  /** What is wrong with a line of an imported price file (IMPORT_LINE_INVALID). */
  importProblem: [
    'json-response',
    'wrong-columns',
    'field-count',
    'not-a-date',
    'not-positive',
    'negative',
    'duplicate-date',
    'out-of-order',
    'no-rows',
  ],
  /** Theme members carry GICS sector names as the data source spells them. */
  gicsSector: [
    'Communication Services',
    'Consumer Discretionary',
    'Consumer Staples',
    'Energy',
    'Financials',
    'Health Care',
    'Industrials',
    'Information Technology',
    'Materials',
    'Real Estate',
    'Utilities',
  ],
} as const;
export type EnumName = keyof typeof ENUMS;
export type EnumValue<E extends EnumName> = (typeof ENUMS)[E][number];

/**
 * What a parameter holds: plain text (names, symbols, ids), a number, a fraction shown as a
 * percentage, an enum value, or why IB is down or refuses (an `IbReason` object, src/contract/ib.ts,
 * rendered by src/contract/ib-reason-texts.ts).
 */
export type ParamKind = 'text' | 'number' | 'percent' | 'ibReason' | EnumName | ListKind;

/**
 * A list of one enum's values, sent as text joined by ", ": each value is named in the UI language,
 * one the enum does not know (an older row, a newer server) shows as it is.
 */
export type ListKind = `${EnumName}[]`;

/** The enum a list parameter's values come from, or null when the kind is not a list. */
export function listEnum(kind: ParamKind): EnumName | null {
  return kind.endsWith('[]') ? (kind.slice(0, -2) as EnumName) : null;
}

// Refusals (InputError, ConflictError, NotFoundError) live in their own parts of the catalogue, by side.

/** The catalogue's own entries: readiness, jobs, progress, pipeline, field reasons. */
export const CORE_MESSAGES = {
  // Readiness to trade and API refusals.
  BROKER_NOT_CONNECTED: def({ status: 'connectionStatus' }, 'broker is {{status}}'),
  IB_RUNTIME_NOT_RUNNING: def(
    {},
    'the IB runtime is not running (IB is not configured or the server started without it)',
  ),
  BROKER_UNAVAILABLE: def(
    { status: 'connectionStatus', reason: 'ibReason' },
    'broker unavailable ({{status}}): {{reason}}',
  ),
  // A request IB refused or did not answer (BrokerRequestError, BrokerTimeoutError), and our own check
  // before sending (code 0: a programming fault, its words are ours and stay as they are).
  BROKER_REQUEST_FAILED: def({ reason: 'ibReason' }, 'the IB request failed: {{reason}}'),
  BROKER_REQUEST_INVALID: def({ detail: 'text' }, 'refused before sending to IB: {{detail}}'),
  NO_EXECUTION_LEASE: def({}, 'this process does not hold the execution lease'),
  STARTUP_RECONCILIATION_PENDING: def({}, 'startup reconciliation has not succeeded yet'),
  RECONNECT_RECONCILIATION_PENDING: def(
    {},
    'reconciliation after the last (re)connect has not succeeded yet',
  ),
  RECONCILIATION_IN_PROGRESS: def({}, 'reconciliation in progress'),
  NOT_READY_TO_TRADE: def({}, 'not ready to trade'),
  READ_ONLY_REPLICA: def({}, 'this replica does not execute trades (read-only)'),
  SET_IB_ACCOUNT_BEFORE_LIVE: def({}, 'set IB_ACCOUNT before switching to live'),
  LIVE_NEEDS_IB_ACCOUNT: def({}, 'live mode needs IB_ACCOUNT'),
  LIVE_NEEDS_LIVE_ACCOUNT: def({}, 'IB_ACCOUNT is a paper account (DU...); live mode needs a live account'),
  LIVE_SWITCH_NEEDS_CONFIRMATION: def(
    {},
    'switching to live needs confirmation: type the account id exactly',
  ),
  LIVE_CHANGE_NEEDS_CONFIRMATION: def(
    { key: 'text' },
    'changing {{key}} while trading live needs confirmation: type the account id exactly',
  ),
  PROJECT_NAME_TAKEN: def({ name: 'text' }, 'a project named "{{name}}" already exists'),
  THEME_NAME_TAKEN: def({ name: 'text' }, 'a theme named "{{name}}" already exists'),
  JOB_ALREADY_ENDED: def({ id: 'number', status: 'jobStatus' }, 'job {{id}} has already {{status}}'),
  // The kind is text: new kinds must not make the message unreadable before they are translated.
  JOB_BUSY: def(
    { kind: 'text', id: 'number' },
    'a {{kind}} job (id {{id}}) is already running; wait for it to finish',
  ),
  ORDER_ALREADY_FINAL: def({ id: 'number', status: 'orderStatus' }, 'order {{id}} is {{status}}'),
  ORDER_NOT_SENT: def({ id: 'number' }, 'order {{id}} has not been sent'),
  // Import errors: which file, which line, what is wrong.
  IMPORT_LINE_INVALID: def(
    { file: 'text', line: 'number', field: 'text', problem: 'importProblem', detail: 'text' },
    '{{file}}, line {{line}}, {{field}}: {{problem}} ({{detail}})',
  ),
  // Jobs: their life cycle, progress notes and results.
  JOB_QUEUED: def({}, 'queued'),
  JOB_RUNNING: def({}, 'running'),
  JOB_DONE: def({}, 'done'),
  JOB_FAILED: def({}, 'failed'),
  JOB_CANCELLED_BY: def({ actor: 'text' }, 'cancelled by {{actor}}'),
  JOB_TIMED_OUT: def({ seconds: 'number' }, 'timed out after {{seconds}} s'),
  PROGRESS_COUNT: def({ done: 'number', total: 'number' }, '{{done}}/{{total}}'),
  PROGRESS_SYMBOL: def(
    { symbol: 'text', done: 'number', total: 'number' },
    '{{symbol}} ({{done}}/{{total}})',
  ),
  BACKFILL_DONE: def(
    { fetched: 'number', stored: 'number' },
    '{{fetched}} fetched, {{stored}} already stored',
  ),
  BACKFILL_DONE_WITH_FAILURES: def(
    { fetched: 'number', stored: 'number', failed: 'number' },
    '{{fetched}} fetched, {{stored}} already stored, {{failed}} failed',
  ),
  CONTRACTS_RESOLVED: def(
    { resolved: 'number', total: 'number', unresolved: 'number' },
    'resolved {{resolved}}/{{total}}, unresolved {{unresolved}}',
  ),
  IMPORTING_FILE: def({ file: 'text' }, '{{file}}'),
  IMPORT_DONE: def({ imported: 'number', failed: 'number' }, '{{imported}} imported, {{failed}} failed'),
  DOWNLOAD_SYMBOL: def({ symbol: 'text', event: 'fetchEvent' }, '{{symbol}}: {{event}}'),
  DOWNLOAD_SYMBOL_WAIT: def(
    { symbol: 'text', event: 'fetchEvent', seconds: 'number' },
    '{{symbol}}: {{event}} {{seconds}} s',
  ),
  DOWNLOAD_DONE: def(
    { downloaded: 'number', failed: 'number' },
    '{{downloaded}} downloaded, {{failed}} failed',
  ),
  LOADING_RESEARCH_DATA: def({}, 'loading research data'),
  TRAINING_MODEL: def({ family: 'text' }, 'training {{family}}'),
  SAVING_MODEL: def({}, 'saving the model'),
  MODEL_TRAINED: def({ version: 'text', family: 'text' }, 'model {{version}} ({{family}})'),
  SCORING: def({}, 'scoring'),
  REBALANCE_PROGRESS: def({ done: 'number', total: 'number' }, 'rebalance {{done}}/{{total}}'),
  SAVING_RESULTS: def({}, 'saving'),
  BACKTEST_DONE: def({ id: 'number', cagr: 'percent' }, 'backtest {{id}}: CAGR {{cagr}}'),
  SWEEP_PROGRESS: def({ done: 'number', total: 'number' }, 'sweep point {{done}}/{{total}}'),
  SWEEP_DONE: def({ points: 'number' }, 'sweep of {{points}} points done'),
  DEMO_GENERATING_DATA: def({}, 'generating research data'),
  DEMO_THEME_AND_PROJECT: def({}, 'theme and project'),
  DEMO_TRAINING: def({}, 'training'),
  DEMO_BACKTEST: def({}, 'backtest'),
  DEMO_READY: def({ projectId: 'number' }, 'demo project {{projectId}} ready'),
  // Parity of a run's decision against the research backtest (Alpha data).
  PARITY_NO_ALPHA_DATA: def(
    { date: 'text', symbols: 'text' },
    'the research store has no Alpha bar on {{date}} for {{symbols}}; import or fetch them first',
  ),
  PARITY_NOT_MODEL_DECISION: def(
    { id: 'number', kind: 'text' },
    'snapshot {{id}} is a {{kind}} decision: no model decision to compare',
  ),
  // Why a weekly pipeline step failed or waits (src/pipeline): the StepError codes.
  PIPELINE_STEP_FAILED: def({ detail: 'text' }, 'the step failed: {{detail}}'),
  PIPELINE_STEP_TIMEOUT: def({ seconds: 'number' }, 'the step timed out after {{seconds}} s'),
  PIPELINE_NO_TRADING_RUNTIME: def({}, 'the trading runtime is not running'),
  PIPELINE_NO_DECISION: def({}, 'the decide step recorded no weights'),
  PIPELINE_NO_SNAPSHOT: def({}, 'the decide step froze no decision snapshot'),
  PIPELINE_CHECKLIST_FAILED: def({ items: 'checklistItem[]' }, 'checklist failed: {{items}}'),
  PIPELINE_PRETRADE_BLOCKED: def({ rules: 'pretradeRule[]' }, 'pre-trade risk blocked the run: {{rules}}'),
  PIPELINE_REJECTIONS_ABOVE_LIMIT: def(
    { rejected: 'number', orders: 'number', share: 'percent', limit: 'percent' },
    'IB rejected {{rejected}} of {{orders}} orders ({{share}}, above the limit of {{limit}}): trading stopped',
  ),
  PIPELINE_WAITING_GATEWAY: def(
    {},
    'waiting for the IB connection (the run is missed if IB is not back before its window closes)',
  ),
  PIPELINE_WAITING_GATEWAY_RESTART: def(
    { until: 'text' },
    "waiting for the gateway's scheduled restart to end (window until {{until}})",
  ),
  // Why a decision cannot be made (src/decision), e.g. the reason of a pipeline fallback.
  DECISION_NO_MODEL: def(
    { project: 'number', version: 'number' },
    'project {{project}} version {{version}} has no trained model; train one before deciding',
  ),
  DECISION_NO_MEMBERS: def(
    { project: 'number', date: 'text' },
    'project {{project}} has no members on {{date}}',
  ),
  // Why a field of a request is invalid (the zod issue behind a 400, per field).
  FIELD_REQUIRED: def({}, 'is required'),
  FIELD_INVALID_TYPE: def({}, 'has the wrong type'),
  FIELD_NOT_INTEGER: def({}, 'must be a whole number'),
  FIELD_MAX: def({ maximum: 'number' }, 'must be at most {{maximum}}'),
  FIELD_BELOW: def({ maximum: 'number' }, 'must be below {{maximum}}'),
  FIELD_MIN: def({ minimum: 'number' }, 'must be at least {{minimum}}'),
  FIELD_ABOVE: def({ minimum: 'number' }, 'must be above {{minimum}}'),
  FIELD_TOO_LONG: def({ maximum: 'number' }, 'must have at most {{maximum}} characters or entries'),
  FIELD_TOO_SHORT: def({ minimum: 'number' }, 'must have at least {{minimum}} characters or entries'),
  FIELD_NOT_ALLOWED: def({}, 'is not one of the allowed values'),
  FIELD_BAD_FORMAT: def({}, 'has the wrong format'),
  FIELD_UNKNOWN_KEYS: def({ keys: 'text' }, 'unknown fields: {{keys}}'),
  FIELD_INVALID: def({}, 'is invalid'),
} as const satisfies Record<string, MessageDef>;

/**
 * Every part of the catalogue. A code declared in two parts would silently keep only the last one,
 * so test/contract/messages.test.ts checks that the parts share no code.
 */
export const MESSAGE_PARTS = {
  core: CORE_MESSAGES,
  trading: TRADING_ERRORS,
  research: RESEARCH_ERRORS,
  alerts: ALERT_ERRORS,
  server: SERVER_ERRORS,
};

export const MESSAGES = {
  ...CORE_MESSAGES,
  ...TRADING_ERRORS,
  ...RESEARCH_ERRORS,
  ...ALERT_ERRORS,
  ...SERVER_ERRORS,
} as const satisfies Record<string, MessageDef>;

export type MessageCode = keyof typeof MESSAGES;
export const MESSAGE_CODES = /* @__PURE__ */ Object.keys(MESSAGES) as [MessageCode, ...MessageCode[]];

type ParamValue<K> = K extends 'number' | 'percent'
  ? number
  : K extends 'ibReason'
    ? IbReason
    : K extends EnumName
      ? EnumValue<K>
      : string;
export type MessageParams<C extends MessageCode> = {
  -readonly [P in keyof (typeof MESSAGES)[C]['params']]: ParamValue<(typeof MESSAGES)[C]['params'][P]>;
};

/** One message: its code and the parameters that code declares. */
export type Message = { [C in MessageCode]: { code: C; params: MessageParams<C> } }[MessageCode];

/** Builds a message; the compiler checks the parameters against the catalogue. */
export function msg<C extends MessageCode>(code: C, params: MessageParams<C>): Message {
  return { code, params } as Message;
}

// Marked pure so that the web app, which imports only the catalogue, does not bundle zod for it.
export const messageSchema = /* @__PURE__ */ z
  .object({
    code: z.enum(MESSAGE_CODES),
    // An IbReason parameter is an object; its renderer copes with codes it does not know.
    params: z.record(z.string(), z.union([z.string(), z.number(), z.looseObject({ code: z.string() })])),
  })
  .superRefine((value, ctx) => {
    const declared: Record<string, ParamKind> = MESSAGES[value.code].params;
    for (const [name, kind] of Object.entries(declared)) {
      const given = value.params[name];
      const ok =
        kind === 'number' || kind === 'percent'
          ? typeof given === 'number'
          : kind === 'text' || listEnum(kind) !== null
            ? typeof given === 'string'
            : kind === 'ibReason'
              ? typeof given === 'object'
              : (ENUMS[kind as EnumName] as readonly string[]).includes(String(given));
      if (!ok) ctx.addIssue({ code: 'custom', path: ['params', name], message: `must be a ${kind}` });
    }
  });

/** Reads a message back from storage or the wire; null when the value is not one. */
export function parseMessage(value: unknown): Message | null {
  const parsed = messageSchema.safeParse(value);
  return parsed.success ? (parsed.data as Message) : null;
}

/** A parameter as English text: percentages with two decimals, IB reasons as sentences, the rest as they are. */
function englishParam(kind: ParamKind, value: string | number | object): string {
  if (kind === 'ibReason' && typeof value === 'object') return ibReasonText(value as IbReason, 'en', false);
  return kind === 'percent' && typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : String(value);
}

/** The English sentence, for logs, the CLI and the API's `message` fields. */
export function englishText(message: Message): string {
  const def: MessageDef = MESSAGES[message.code];
  const params = message.params as Record<string, string | number | object>;
  return def.en.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const kind = def.params[name];
    const value = params[name];
    return kind === undefined || value === undefined ? whole : englishParam(kind, value);
  });
}
