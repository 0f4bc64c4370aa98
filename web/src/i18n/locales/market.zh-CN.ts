/** 市场状态（页眉、可交易徽标、报价）与合成数据提示（简体中文）；`market.en.ts` 必须逐键对应。 */
export const marketZhCN = {
  open: '开市',
  closed: '休市',
  earlyClose: '提前收盘',
  closesAt: '{{time}} 收盘',
  nextOpen: '下次开盘 {{time}}',
  reasons: {
    weekend: '周末休市',
    holiday: '节假日休市',
    before_open: '尚未开盘',
    after_close: '已收盘',
  },
  earlyCloseToday: '今日提前收盘（美东 13:00）',
  nextEarlyClose: '该交易日提前收盘（美东 13:00）',
  timeZone: '美东',
  tooltip: '纽约证券交易所常规交易时段，时间为美东时间。',
  unknown: '市场状态未知',
  badgeClosed: '已连接·休市',
  quoteClosed: '休市',
  quoteClosedHint: '市场休市：报价停在最近一个交易时段，开盘后恢复更新',
  synthetic: {
    title: '演示行情为合成数据',
    detail:
      '内置模拟网关按模型生成价格：股票代码是真实的，价格不是真实行情。演示项目导入的研究数据来自同一模型。',
    tag: '合成',
  },
};
