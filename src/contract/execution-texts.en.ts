/**
 * Why a trade run stopped sending (`stoppedBecause`, StopReason in src/contract/execution.ts) as
 * English sentences, by code: the log line, the API's readers and the web app in English. Chinese in
 * execution-texts.zh-CN.ts. Pure TypeScript.
 */
import type { StopReasonTexts } from './execution-texts.zh-CN.js';

export const STOP_REASONS_EN: StopReasonTexts = {
  'pretrade-blocked': 'Pre-trade risk blocked the run: no order was sent. Failed rules: {{rules}}',
  'engine-stopped': 'The execution engine stopped; the remaining orders were not sent',
  'no-lease': 'This process does not hold the execution lease; the remaining orders were not sent',
  'broker-not-connected':
    'The broker is {{status}}: the remaining orders are sent once it is back and reconciled',
  'account-problem': 'The account does not fit the mode; the remaining orders were not sent: {{reason}}',
  'not-reconciled':
    'The reconciliation after the last connect has not succeeded yet: the remaining orders wait for it',
  'trading-halted': 'Trading is halted: none of the remaining orders is sent',
  'trading-reducing': 'Reducing only: sells are sent, buys wait',
  'cancels-pending': 'Waiting for {{count}} cancel(s) before ordering {{symbols}}',
  'claim-refused':
    'The send could not be recorded (the execution lease may have moved); the remaining orders were not sent',
  'broker-unavailable': 'The broker is unavailable: the order did not leave and is sent again later',
  'broker-unavailable-why':
    'The broker is unavailable ({{reason}}): the order did not leave and is sent again later',
  'place-failed':
    'The send failed with an unknown outcome: the next reconciliation decides; the remaining orders were not sent',
  separator: ', ',
};
