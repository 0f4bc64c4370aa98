/**
 * The weekly run's checklist items (ENUMS.checklistItem) by name in Simplified Chinese: the pipeline
 * page, the run view and the server's alerts share them; English in checklist-texts.en.ts. Pure data.
 */
import type { EnumValue } from './messages.js';

export const CHECKLIST_ITEMS_ZH_CN: Readonly<Record<EnumValue<'checklistItem'>, string>> = {
  'ib.connected': 'IB 已连接',
  'account.mode': '账户与模式一致',
  'universe.conIds': '标的已解析为 conId',
  'bars.complete': 'IB 日线完整至上一交易日',
  'quotes.fresh': '行情新鲜',
  'trading.active': '交易状态正常',
  'reconciliation.clean': '启动对账完成，无未解释挂单',
  'market.open': '市场开市',
  'lease.held': '持有执行租约',
};
