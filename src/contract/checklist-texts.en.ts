/**
 * The weekly run's checklist items (ENUMS.checklistItem) by name in English: the pipeline page, the
 * run view and the server's alerts share them; Chinese in checklist-texts.zh-CN.ts. Pure data.
 */
import type { EnumValue } from './messages.js';

export const CHECKLIST_ITEMS_EN: Readonly<Record<EnumValue<'checklistItem'>, string>> = {
  'ib.connected': 'IB connected',
  'account.mode': 'Account matches the mode',
  'universe.conIds': 'Universe resolved to conIds',
  'bars.complete': 'IB daily bars complete to the last session',
  'quotes.fresh': 'Quotes fresh',
  'trading.active': 'Trading state active',
  'reconciliation.clean': 'Startup reconciliation done, no unexplained open orders',
  'market.open': 'Market open',
  'lease.held': 'Execution lease held',
};
