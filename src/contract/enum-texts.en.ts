/**
 * Every enum value the server sends (ENUMS in messages.ts), named in English: the web app's
 * `messages.enums`. Same keys as enum-texts.zh-CN.ts. Pure data: no Node or web imports.
 */
import { CHECKLIST_ITEMS_EN } from './checklist-texts.en.js';
import type { EnumTexts } from './enum-texts.js';
import { ENUMS } from './messages.js';
import { PRETRADE_RULES_EN } from './pretrade-texts.en.js';

export const ENUM_TEXTS_EN = {
  connectionStatus: {
    DISCONNECTED: 'disconnected',
    CONNECTING: 'connecting',
    CONNECTED: 'connected',
    DEGRADED: 'degraded',
  },
  jobStatus: {
    queued: 'queued',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
    cancelled: 'cancelled',
  },
  runStatus: {
    PLANNING: 'Planning',
    SUBMITTING: 'Submitting',
    WORKING: 'Working',
    COMPLETED: 'Completed',
    FAILED: 'Failed',
    BLOCKED: 'Blocked',
  },
  orderStatus: {
    NEW: 'New',
    SUBMITTED: 'Submitted',
    PARTIAL: 'Partly filled',
    FILLED: 'Filled',
    CANCELED: 'Cancelled',
    REJECTED: 'Rejected',
    BLOCKED: 'Blocked',
  },
  ibOrderStatus: {
    ApiPending: 'API pending',
    PendingSubmit: 'Pending submit',
    PendingCancel: 'Pending cancel',
    PreSubmitted: 'Pre-submitted',
    Submitted: 'Submitted',
    ApiCancelled: 'API cancelled',
    Cancelled: 'Cancelled',
    Filled: 'Filled',
    Inactive: 'Inactive',
  },
  side: { BUY: 'Buy', SELL: 'Sell' },
  orderType: { MKT: 'Market', LMT: 'Limit' },
  timeInForce: { DAY: 'Day', GTC: 'Good till cancelled' },
  mode: { paper: 'Paper', live: 'Live' },
  tradingState: { ACTIVE: 'Active', REDUCING: 'Reducing only', HALTED: 'Halted' },
  orderEventKind: {
    applied: 'State change',
    unchanged: 'No change',
    refused: 'Change refused',
    fill: 'Fill',
    'ib-status': 'IB status',
    'ib-error': 'IB error',
    'cancel-request': 'Cancel request',
  },
  jobKind: {
    'data.import': 'data import',
    'data.fetch': 'data download',
    train: 'training',
    backtest: 'backtest',
    'ib.backfill': 'IB backfill',
    'ib.contracts': 'IB contract lookup',
    'demo.seed': 'demo data',
    sweep: 'parameter sweep',
  },
  // The data's own (English) names: the catalogue's list, each value naming itself.
  gicsSector: Object.fromEntries(ENUMS.gicsSector.map((sector) => [sector, sector])) as Readonly<
    Record<(typeof ENUMS.gicsSector)[number], string>
  >,
  fetchEvent: {
    request: 'requesting',
    'rate-wait': 'rate wait',
    'retry-wait': 'retry wait',
    done: 'done',
    failed: 'failed',
  },
  runKind: { scheduled: 'scheduled', defensive: 'defensive move' },
  snapshotKind: {
    model: 'model decision',
    manual: 'manual weights',
    fallback: 'last-good fallback',
    defensive: 'defensive move',
  },
  snapshotSource: {
    ib: 'IB daily bars',
    manual: 'manual file',
    snapshot: 'earlier snapshot',
    risk: 'risk control',
  },
  defensiveAction: { cash: 'to cash', asset: 'into the defensive asset' },
  cutReason: {
    RISK_MAX_POSITION: 'max position weight',
    RISK_MAX_SECTOR: 'max sector weight',
    RISK_MAX_GROSS: 'max gross exposure',
  },
  dropReason: { BARS_MISSING: 'bars missing', BARS_STALE: 'bars stale' },
  // The pipeline page's and the run view's own names for them.
  checklistItem: CHECKLIST_ITEMS_EN,
  pretradeRule: PRETRADE_RULES_EN,
  importProblem: {
    'json-response': 'not a CSV file but a JSON response',
    'wrong-columns': 'wrong columns',
    'field-count': 'wrong number of fields',
    'not-a-date': 'not a date (YYYY-MM-DD)',
    'not-positive': 'expected a positive number',
    negative: 'expected a number >= 0',
    'duplicate-date': 'duplicated date',
    'out-of-order': 'date out of order',
    'no-rows': 'no data rows',
  },
} as const satisfies EnumTexts;
