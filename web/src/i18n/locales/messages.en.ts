// `.js`: the unit test loads this file under Node's resolution too (the bundler maps it to the .ts).
import { ENUM_TEXTS_EN } from '../../../../src/contract/enum-texts.js';
import { MESSAGES, type MessageCode } from '../../../../src/contract/messages.js';
import type { messagesZhCN } from './messages.zh-CN.js';
import { pipelineEn } from './pipeline.en.js';
import { pretradeEn } from './pretrade.en.js';

/** English is the catalogue's own text (src/contract/messages.ts): one source for the server and the UI. */
const codes = Object.fromEntries(
  Object.entries(MESSAGES).map(([code, def]): [string, string] => [code, def.en]),
) as Record<MessageCode, string>;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Server messages and enum names (English); same keys as `messages.zh-CN.ts`. */
export const messagesEn: Widen<typeof messagesZhCN> = {
  codes,
  enums: {
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
    side: ENUM_TEXTS_EN.side,
    orderType: { MKT: 'Market', LMT: 'Limit' },
    timeInForce: { DAY: 'Day', GTC: 'Good till cancelled' },
    mode: ENUM_TEXTS_EN.mode,
    tradingState: ENUM_TEXTS_EN.tradingState,
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
    gicsSector: ENUM_TEXTS_EN.gicsSector,
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
    checklistItem: pipelineEn.check,
    pretradeRule: pretradeEn.rules,
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
  },
};
