/**
 * Why the trading side refuses a request (the catalogued text of its InputError, ConflictError and
 * NotFoundError): part of the message catalogue (src/contract/messages.ts). Chinese texts in
 * trading-errors.zh-CN.ts; English is the template here.
 */
import { def, type MessageDef } from './message-def.js';

export const TRADING_ERRORS = {
  // Target weights, as a request field or a weights file (src/execution/weights.ts).
  WEIGHTS_EMPTY: def({}, 'no weights given: the list of symbols is empty'),
  WEIGHT_SYMBOL_INVALID: def(
    { symbol: 'text' },
    '{{symbol}} is not a valid symbol (A-Z, 0-9, ".", "-", " ")',
  ),
  WEIGHT_SYMBOL_UNKNOWN: def({ symbol: 'text' }, 'unknown symbol {{symbol}}'),
  WEIGHT_NOT_FINITE: def(
    { symbol: 'text', value: 'text' },
    'the weight of {{symbol}} must be a finite number, got {{value}}',
  ),
  WEIGHT_NOT_DECIMAL: def(
    { symbol: 'text', value: 'text' },
    'the weight of {{symbol}} must be a decimal number like 0.25, got {{value}}',
  ),
  WEIGHT_NOT_DECIMAL_ON_LINE: def(
    { line: 'number', symbol: 'text', value: 'text' },
    'line {{line}}: the weight of {{symbol}} must be a decimal number like 0.25, got {{value}}',
  ),
  WEIGHT_NEGATIVE_ZERO: def({ symbol: 'text' }, 'the weight of {{symbol}} must not be negative zero'),
  WEIGHT_NEGATIVE_ZERO_ON_LINE: def(
    { line: 'number', symbol: 'text' },
    'line {{line}}: the weight of {{symbol}} must not be negative zero',
  ),
  WEIGHT_NEGATIVE: def(
    { symbol: 'text', weight: 'number' },
    'the weight of {{symbol}} must be >= 0 (shorting is off), got {{weight}}',
  ),
  WEIGHTS_SUM_ABOVE_ONE: def({ sum: 'number' }, 'the sum of weights is {{sum}}, must be <= 1'),
  WEIGHT_LISTED_TWICE: def({ symbol: 'text', file: 'text' }, '{{symbol}} is listed twice in {{file}}'),
  WEIGHTS_FILE_UNREADABLE: def({ file: 'text', error: 'text' }, 'cannot read {{file}}: {{error}}'),
  WEIGHTS_FILE_EMPTY: def({ file: 'text' }, '{{file}} is empty'),
  WEIGHTS_FILE_NO_ROWS: def({ file: 'text' }, '{{file}} has a header but no rows (empty)'),
  // `detail` is the JSON or CSV parser's own words, shown as it wrote them.
  WEIGHTS_FILE_BAD_JSON: def({ file: 'text', detail: 'text' }, '{{file}} is not valid JSON: {{detail}}'),
  WEIGHTS_FILE_NOT_OBJECT: def({ file: 'text' }, '{{file}}: JSON must be an object like {"AAPL": 0.1}'),
  WEIGHTS_FILE_NOT_CSV: def({ file: 'text', detail: 'text' }, '{{file}} is neither JSON nor CSV: {{detail}}'),
  WEIGHTS_FILE_FIELD_COUNT: def(
    { file: 'text', line: 'number', fields: 'number' },
    '{{file}} is neither JSON nor CSV "symbol,weight": line {{line}} has {{fields}} fields',
  ),
  // Sizing the targets into shares at the current prices (src/sizing).
  SIZING_NO_PRICE: def({ symbol: 'text' }, 'no price for {{symbol}}: its target cannot be sized'),
  SIZING_NO_PRICE_HELD: def({ symbol: 'text' }, 'no price for the held position {{symbol}}'),
  SIZING_INPUT_INVALID: def({ field: 'text' }, 'the sizing input {{field}} is invalid'),
  // Starting a run (src/execution/service.ts, run-once.ts) and the runs and orders it names.
  RUN_NEEDS_SNAPSHOT_OR_WEIGHTS: def(
    {},
    'give a decision snapshot id or manual weights (exactly one): execution trades only a snapshot',
  ),
  LIVE_RUN_NEEDS_CONFIRMATION: def(
    {},
    'the server trades live: type the account id again to start a run that moves real money',
  ),
  TODAY_NOT_TRADING_DAY: def(
    { date: 'text' },
    'today ({{date}}) is not an NYSE trading day; name the trading date',
  ),
  SNAPSHOT_NOT_FOR_RUN: def(
    { id: 'number', snapshotProject: 'number', snapshotDate: 'text', project: 'number', date: 'text' },
    "snapshot {{id}} is project {{snapshotProject}}'s decision for {{snapshotDate}}, not project {{project}} on {{date}}",
  ),
  RUN_HAS_NO_SNAPSHOT: def(
    { id: 'number' },
    'run {{id}} has no decision snapshot; execution trades only snapshots',
  ),
  RUN_NOT_FOUND: def({ id: 'number' }, 'run {{id}} does not exist'),
  ORDER_NOT_FOUND: def({ id: 'number' }, 'order {{id}} does not exist'),
  ORDER_NO_CONTRACT: def({ symbol: 'text' }, 'no contract for {{symbol}}'),
  ORDER_NOT_PRETRADE_CHECKED: def(
    { side: 'side', quantity: 'number', symbol: 'text' },
    'order {{side}} {{quantity}} {{symbol}} was not in the list the pre-trade rules passed; the run plans again on its next attempt',
  ),
  // The account orders go to and the contracts they trade (src/execution/engine.ts).
  ACCOUNT_REFUSED: def({ reason: 'ibReason' }, 'orders refused: {{reason}}'),
  CONTRACT_UNKNOWN: def({ symbol: 'text' }, 'unknown symbol {{symbol}} (IB has no contract for it)'),
  // `listings`: what IB offered, as exchange/currency pairs.
  CONTRACT_NO_USD_LISTING: def(
    { symbol: 'text', listings: 'text' },
    '{{symbol}} is not tradable: no USD listing (IB offered {{listings}})',
  ),
  // `contracts`: the candidates, as conId@exchange.
  CONTRACT_AMBIGUOUS: def(
    { symbol: 'text', contracts: 'text' },
    '{{symbol}} is not tradable: ambiguous ({{contracts}})',
  ),
  // The IB runtime's requests (src/server/routes/ib.ts).
  UNIVERSE_HAS_NO_SYMBOLS: def({}, 'the chosen universe has no symbols'),
  // The weekly pipeline's runs (src/pipeline).
  PIPELINE_RUN_NOT_FOUND: def({ id: 'number' }, 'pipeline run {{id}} does not exist'),
  PIPELINE_RUN_KEY_NOT_FOUND: def({ key: 'text' }, 'pipeline run {{key}} does not exist'),
  PIPELINE_NOT_TRADING_DAY: def({ date: 'text' }, '{{date}} is not an NYSE trading day'),
  PIPELINE_WINDOW_CLOSED: def({ date: 'text' }, 'the window of {{date}} has closed'),
  // Lifting or easing the trading state (src/risk/trading-state.ts).
  RESUME_NEEDS_CONFIRMATION: def({ word: 'text' }, 'type {{word}} to confirm'),
  RESUME_REASON_TOO_SHORT: def(
    { minimum: 'number' },
    'say why trading may resume (at least {{minimum}} characters)',
  ),
  RESUME_REASON_TOO_LONG: def({ maximum: 'number' }, 'the reason must be at most {{maximum}} characters'),
  RESUME_NOT_LESS_STRICT: def(
    { state: 'tradingState' },
    'the new state must be less strict than the current state {{state}}',
  ),
  // Background jobs (src/jobs).
  JOB_NOT_FOUND: def({ id: 'number' }, 'job {{id}} does not exist'),
} as const satisfies Record<string, MessageDef>;
