/** trading-errors.ts 中各拒绝原因的简体中文文本；参数与英文模板一致。 */
import type { TRADING_ERRORS } from './trading-errors.js';

export const TRADING_ERRORS_ZH_CN: Record<keyof typeof TRADING_ERRORS, string> = {
  // 目标权重（请求字段或权重文件）
  WEIGHTS_EMPTY: '未给出权重：股票列表为空',
  WEIGHT_SYMBOL_INVALID: '{{symbol}} 不是有效的股票代码（只能包含 A-Z、0-9、"."、"-"、空格）',
  WEIGHT_SYMBOL_UNKNOWN: '未知股票代码 {{symbol}}',
  WEIGHT_NOT_FINITE: '{{symbol}} 的权重必须是有限数值，实际为 {{value}}',
  WEIGHT_NOT_DECIMAL: '{{symbol}} 的权重必须是 0.25 这样的小数，实际为 {{value}}',
  WEIGHT_NOT_DECIMAL_ON_LINE: '第 {{line}} 行：{{symbol}} 的权重必须是 0.25 这样的小数，实际为 {{value}}',
  WEIGHT_NEGATIVE_ZERO: '{{symbol}} 的权重不能是负零',
  WEIGHT_NEGATIVE_ZERO_ON_LINE: '第 {{line}} 行：{{symbol}} 的权重不能是负零',
  WEIGHT_NEGATIVE: '{{symbol}} 的权重必须 >= 0（未允许做空），实际为 {{weight}}',
  WEIGHTS_SUM_ABOVE_ONE: '权重之和为 {{sum}}，不能超过 1',
  WEIGHT_LISTED_TWICE: '{{symbol}} 在 {{file}} 中出现了两次',
  WEIGHTS_FILE_UNREADABLE: '无法读取 {{file}}：{{error}}',
  WEIGHTS_FILE_EMPTY: '{{file}} 是空文件',
  WEIGHTS_FILE_NO_ROWS: '{{file}} 只有表头，没有数据行',
  WEIGHTS_FILE_BAD_JSON: '{{file}} 不是有效的 JSON：{{detail}}',
  WEIGHTS_FILE_NOT_OBJECT: '{{file}}：JSON 必须是对象，例如 {"AAPL": 0.1}',
  WEIGHTS_FILE_NOT_CSV: '{{file}} 既不是 JSON 也不是 CSV：{{detail}}',
  WEIGHTS_FILE_FIELD_COUNT:
    '{{file}} 既不是 JSON 也不是 "symbol,weight" 格式的 CSV：第 {{line}} 行有 {{fields}} 个字段',
  // 按当前价格把目标换算为股数
  SIZING_NO_PRICE: '{{symbol}} 没有价格，无法计算目标股数',
  SIZING_NO_PRICE_HELD: '持仓 {{symbol}} 没有价格',
  SIZING_INPUT_INVALID: '计算股数的输入 {{field}} 无效',
  // 发起调仓批次，以及它指向的批次和订单
  RUN_NEEDS_SNAPSHOT_OR_WEIGHTS: '请给出决策快照编号或手动权重（二者选一）：执行只交易快照',
  LIVE_RUN_NEEDS_CONFIRMATION: '服务器正在实盘交易：请再次输入账户号，以发起动用真实资金的调仓批次',
  TODAY_NOT_TRADING_DAY: '今天（{{date}}）不是纽交所交易日，请指定交易日期',
  SNAPSHOT_NOT_FOR_RUN:
    '快照 {{id}} 是项目 {{snapshotProject}} 在 {{snapshotDate}} 的决策，而不是项目 {{project}} 在 {{date}} 的决策',
  RUN_HAS_NO_SNAPSHOT: '调仓批次 {{id}} 没有决策快照；执行只交易快照',
  RUN_NOT_FOUND: '调仓批次 {{id}} 不存在',
  ORDER_NOT_FOUND: '订单 {{id}} 不存在',
  ORDER_NO_CONTRACT: '{{symbol}} 没有合约',
  ORDER_NOT_PRETRADE_CHECKED:
    '订单 {{side}} {{quantity}} 股 {{symbol}} 不在交易前风控已通过的清单中；该批次将在下次尝试时重新计划',
  // 下单账户和交易合约
  ACCOUNT_REFUSED: '拒绝下单：{{reason}}',
  CONTRACT_UNKNOWN: '未知股票代码 {{symbol}}（IB 没有它的合约）',
  CONTRACT_NO_USD_LISTING: '{{symbol}} 无法交易：没有美元计价的上市（IB 提供的是 {{listings}}）',
  CONTRACT_AMBIGUOUS: '{{symbol}} 无法交易：匹配到多个合约（{{contracts}}）',
  // IB 运行时的请求
  UNIVERSE_HAS_NO_SYMBOLS: '所选股票池没有任何股票',
  // 周度调仓的运行
  PIPELINE_RUN_NOT_FOUND: '周度调仓运行 #{{id}} 不存在',
  PIPELINE_RUN_KEY_NOT_FOUND: '周度调仓运行 {{key}} 不存在',
  PIPELINE_NOT_TRADING_DAY: '{{date}} 不是纽交所交易日',
  PIPELINE_WINDOW_CLOSED: '{{date}} 的执行窗口已关闭',
  // 解除或放宽交易状态
  RESUME_NEEDS_CONFIRMATION: '请输入 {{word}} 以确认',
  RESUME_REASON_TOO_SHORT: '请说明可以恢复交易的原因（至少 {{minimum}} 个字符）',
  RESUME_REASON_TOO_LONG: '原因最多 {{maximum}} 个字符',
  RESUME_NOT_LESS_STRICT: '新状态必须比当前状态「{{state}}」更宽松',
  // 后台任务
  JOB_NOT_FOUND: '任务 {{id}} 不存在',
};
