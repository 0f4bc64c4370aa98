/**
 * Every enum value the server sends (ENUMS in messages.ts), named in Simplified Chinese: the web app's
 * `messages.enums` and the server's Chinese texts (alerts, catalogued messages) read this one table.
 * English in enum-texts.en.ts. Pure data: no Node or web imports.
 */
import { CHECKLIST_ITEMS_ZH_CN } from './checklist-texts.zh-CN.js';
import type { EnumTexts } from './enum-texts.js';
import { PRETRADE_RULES_ZH_CN } from './pretrade-texts.zh-CN.js';

export const ENUM_TEXTS_ZH_CN = {
  connectionStatus: {
    DISCONNECTED: '未连接',
    CONNECTING: '连接中',
    CONNECTED: '已连接',
    DEGRADED: '连接降级',
  },
  jobStatus: { queued: '排队中', running: '运行中', succeeded: '完成', failed: '失败', cancelled: '取消' },
  runStatus: {
    PLANNING: '规划中',
    SUBMITTING: '提交中',
    WORKING: '执行中',
    COMPLETED: '已完成',
    FAILED: '失败',
    BLOCKED: '已拦截',
  },
  orderStatus: {
    NEW: '新建',
    SUBMITTED: '已提交',
    PARTIAL: '部分成交',
    FILLED: '全部成交',
    CANCELED: '已撤销',
    REJECTED: '已拒绝',
    BLOCKED: '已拦截',
  },
  ibOrderStatus: {
    ApiPending: 'API 待处理',
    PendingSubmit: '待提交',
    PendingCancel: '待撤销',
    PreSubmitted: '预提交',
    Submitted: '已提交',
    ApiCancelled: 'API 已撤销',
    Cancelled: '已撤销',
    Filled: '已成交',
    Inactive: '未激活',
  },
  side: { BUY: '买入', SELL: '卖出' },
  orderType: { MKT: '市价单', LMT: '限价单' },
  timeInForce: { DAY: '当日有效', GTC: '撤销前有效' },
  mode: { paper: '模拟盘', live: '实盘' },
  tradingState: { ACTIVE: '正常交易', REDUCING: '只减仓', HALTED: '暂停交易' },
  orderEventKind: {
    applied: '状态变更',
    unchanged: '状态未变',
    refused: '变更被拒',
    fill: '成交',
    'ib-status': 'IB 状态',
    'ib-error': 'IB 错误',
    'cancel-request': '撤单请求',
  },
  jobKind: {
    'data.import': '数据导入',
    'data.fetch': '数据下载',
    train: '模型训练',
    backtest: '回测',
    'ib.backfill': 'IB 历史数据回补',
    'ib.contracts': 'IB 合约解析',
    'demo.seed': '演示数据生成',
    sweep: '参数扫描',
  },
  gicsSector: {
    'Communication Services': '通信服务',
    'Consumer Discretionary': '可选消费',
    'Consumer Staples': '日常消费',
    Energy: '能源',
    Financials: '金融',
    'Health Care': '医疗保健',
    Industrials: '工业',
    'Information Technology': '信息技术',
    Materials: '原材料',
    'Real Estate': '房地产',
    Utilities: '公用事业',
  },
  fetchEvent: {
    request: '请求中',
    'rate-wait': '限速等待',
    'retry-wait': '重试等待',
    done: '完成',
    failed: '失败',
  },
  runKind: { scheduled: '定期调仓', defensive: '防御调仓' },
  snapshotKind: { model: '模型决策', manual: '手动权重', fallback: '沿用上次', defensive: '防御调仓' },
  snapshotSource: { ib: 'IB 日线', manual: '手动文件', snapshot: '既有快照', risk: '风控' },
  defensiveAction: { cash: '转为现金', asset: '换入防御资产' },
  cutReason: {
    RISK_MAX_POSITION: '单票权重上限',
    RISK_MAX_SECTOR: '行业权重上限',
    RISK_MAX_GROSS: '总敞口上限',
  },
  dropReason: { BARS_MISSING: '缺少日线', BARS_STALE: '日线过期' },
  // The pipeline page's and the run view's own names for them.
  checklistItem: CHECKLIST_ITEMS_ZH_CN,
  pretradeRule: PRETRADE_RULES_ZH_CN,
  importProblem: {
    'json-response': '不是 CSV，而是 JSON 应答',
    'wrong-columns': '列名不符',
    'field-count': '字段数不符',
    'not-a-date': '不是日期（YYYY-MM-DD）',
    'not-positive': '应为正数',
    negative: '应为不小于 0 的数',
    'duplicate-date': '日期重复',
    'out-of-order': '日期顺序错乱',
    'no-rows': '没有数据行',
  },
} as const satisfies EnumTexts;
