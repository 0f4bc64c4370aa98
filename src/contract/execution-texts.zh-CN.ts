/**
 * 交易运行停止发送的原因（`stoppedBecause`，src/contract/execution.ts 的 StopReason）在简体中文中的句子，
 * 按代码索引。服务器（日志之外的告警）与 Web（实时交易、流水线证据）共用这一份；英文见
 * execution-texts.en.ts。纯 TypeScript，无服务器依赖。
 */
export const STOP_REASONS_ZH_CN = {
  'pretrade-blocked': '交易前风控拦截了本次运行，未发送任何订单。未通过的规则：{{rules}}',
  'engine-stopped': '交易引擎已停止，其余订单未发送',
  'no-lease': '本进程未持有交易执行租约，其余订单未发送',
  'broker-not-connected': '经纪商连接状态为「{{status}}」，其余订单待连接恢复并对账后发送',
  'account-problem': '账户与模式不符，其余订单未发送：{{reason}}',
  'not-reconciled': '上次连接后的对账尚未完成，其余订单待对账后发送',
  'trading-halted': '交易状态为暂停交易，其余订单一律不发送',
  'trading-reducing': '交易状态为只减仓：卖单照常发送，买单等待',
  'cancels-pending': '等待 {{count}} 笔撤单完成后再为 {{symbols}} 下单',
  'claim-refused': '无法登记订单发送（执行租约可能已转移），其余订单未发送',
  'broker-unavailable': '经纪商暂不可用，订单未发出，稍后重发',
  'broker-unavailable-why': '经纪商暂不可用（{{reason}}），订单未发出，稍后重发',
  'place-failed': '下单结果未知，由下一次对账确认，其余订单未发送',
  /** 列表项（规则、代码）之间的分隔符。 */
  separator: '、',
};

/** The shape both languages fill (en must have exactly these keys). */
export type StopReasonTexts = typeof STOP_REASONS_ZH_CN;
