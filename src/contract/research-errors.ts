/**
 * Why the research side refuses a request (the catalogued text of its InputError, ConflictError and
 * NotFoundError): part of the message catalogue (src/contract/messages.ts). Chinese texts in
 * research-errors.zh-CN.ts; English is the template here.
 */
import { def, type MessageDef } from './message-def.js';

export const RESEARCH_ERRORS = {
  // Projects and themes (src/projects, src/universe).
  PROJECT_NOT_FOUND: def({ id: 'number' }, 'project {{id}} does not exist'),
  PROJECT_NAME_NOT_FOUND: def({ name: 'text' }, 'there is no project named "{{name}}"'),
  PROJECT_VERSION_NOT_FOUND: def(
    { id: 'number', version: 'number' },
    'project {{id}} has no version {{version}}',
  ),
  THEMES_UNKNOWN: def({ ids: 'text' }, 'unknown theme id(s): {{ids}}'),
  THEME_NOT_FOUND: def({ id: 'number' }, 'theme {{id}} does not exist'),
  DEFENSIVE_ASSET_UNKNOWN: def(
    { symbol: 'text' },
    "unknown instrument {{symbol}}: not in the project's themes nor resolved in the IB contract cache",
  ),
  // Which symbols a market-data request covers (src/marketdata).
  UNIVERSE_SELECTOR_NOT_ONE: def({}, 'give exactly one of project, theme or symbols'),
  SYMBOL_INVALID: def({ symbol: 'text' }, '"{{symbol}}" is not a ticker symbol'),
  SYMBOLS_EMPTY: def({}, 'list at least one symbol'),
  // Decisions and their snapshots (src/decision).
  TRADING_DATE_NOT_A_DAY: def({ value: 'text' }, '"{{value}}" is not a day (YYYY-MM-DD)'),
  NOT_A_TRADING_DAY: def({ date: 'text' }, '{{date}} is not an NYSE trading day (weekend or holiday)'),
  REDECIDE_REASON_TOO_SHORT: def({ minimum: 'number' }, 'say why (at least {{minimum}} characters)'),
  SNAPSHOT_NOT_FOUND: def({ id: 'number' }, 'snapshot {{id}} does not exist'),
  SNAPSHOT_NOT_CURRENT: def(
    { id: 'number', date: 'text' },
    'snapshot {{id}} is not the current decision of {{date}}',
  ),
  SNAPSHOT_ALREADY_SUPERSEDED: def(
    { id: 'number', by: 'number' },
    'snapshot {{id}} is already superseded by {{by}}',
  ),
  REDECIDE_UNCHANGED: def({ id: 'number' }, 're-deciding gave snapshot {{id}} again: nothing changed'),
  SNAPSHOT_OTHER_PROJECT: def(
    { id: 'number', project: 'number' },
    'snapshot {{id}} belongs to project {{project}}',
  ),
  // The problems are verification codes (HASH_MISMATCH, COLUMN_MISMATCH:kind...), shown as they are.
  SNAPSHOT_TAMPERED: def(
    { id: 'number', problems: 'text' },
    'snapshot {{id}} does not verify ({{problems}}); it was changed after it was frozen, refusing to trade',
  ),
  SNAPSHOT_HASH_DIFFERS: def(
    { id: 'number' },
    'snapshot {{id}} is not the one the run was created from (hash differs)',
  ),
  SNAPSHOT_UNREADABLE: def({ id: 'number' }, 'snapshot {{id}} has unreadable content'),
  MANUAL_FILE_HASH_INVALID: def({}, 'the file hash must be a sha256 hex digest'),
  PARITY_RUN_NO_SNAPSHOT: def({ id: 'number' }, 'run {{id}} has no decision snapshot'),
  DECISION_NO_MODEL_VERSION: def({}, 'the decision names no model version'),
  // The symbols are those whose bars are missing or stale (the English reason says which and since when).
  DECISION_BARS_INCOMPLETE: def(
    { date: 'text', symbols: 'text' },
    'incomplete IB daily bars for {{date}} under the policy "fail": {{symbols}}',
  ),
  DECISION_NO_BARS: def({ date: 'text' }, 'no universe symbol has IB daily bars up to {{date}}'),
  // Models, backtests and research data (src/research).
  MODEL_NOT_FOUND: def({ version: 'text' }, 'there is no model {{version}}'),
  MODEL_UNREADABLE: def({ version: 'text' }, 'model {{version}} cannot be read'),
  TRAINING_PARAM_INVALID: def({ param: 'text' }, 'the training parameter {{param}} is invalid'),
  BACKTEST_NOT_FOUND: def({ id: 'number' }, 'backtest {{id}} does not exist'),
  BACKTEST_RESULT_MISSING: def({ id: 'number' }, 'the result file of backtest {{id}} is missing'),
  BENCHMARK_NOT_IN_STORE: def({ symbol: 'text' }, '{{symbol}} is not in the research store; import it first'),
  PROJECT_THEMES_EMPTY: def({}, "the project's themes have no members"),
  RESEARCH_DATA_TOO_FEW: def(
    { present: 'number', total: 'number', missing: 'text' },
    'only {{present}} of {{total}} symbols have research data; import or fetch data first (missing: {{missing}})',
  ),
  ALPHA_VANTAGE_KEY_MISSING: def({}, 'ALPHA_VANTAGE_API_KEY is not set; save it under Settings first'),
  IMPORT_TOO_LARGE: def(
    { megabytes: 'number' },
    'the files of one import may hold at most {{megabytes}} MB of text',
  ),
  IMPORT_CANCELLED: def({}, 'the import was cancelled'),
  IMPORT_CANCELLED_BY: def({ actor: 'text' }, 'the import was cancelled by {{actor}}'),
  // Parameter sweeps (src/research/sweeps.ts). The signal's detail is the expression parser's own words.
  SWEEP_SIGNAL_INVALID: def(
    { position: 'number', detail: 'text' },
    'the signal expression is invalid at position {{position}}: {{detail}}',
  ),
  SWEEP_TOO_MANY_POINTS: def(
    { points: 'number', maximum: 'number' },
    'the grid has {{points}} points, at most {{maximum}} are allowed',
  ),
  SWEEP_NOT_FOUND: def({ id: 'number' }, 'sweep {{id}} does not exist'),
  SWEEP_NOT_FINISHED: def(
    { id: 'number', status: 'jobStatus' },
    'sweep {{id}} is {{status}}; only a finished sweep can be rerun',
  ),
  SWEEP_POINT_NOT_FOUND: def({ id: 'number', point: 'text' }, 'no point {{point}}… in sweep {{id}}'),
  SWEEP_DATA_CHANGED: def({}, 'the research data changed since the sweep; run the sweep again'),
} as const satisfies Record<string, MessageDef>;
