import { marketZhCN } from './market.zh-CN';
import { messagesZhCN } from './messages.zh-CN';
import { pipelineZhCN } from './pipeline.zh-CN';
import { pretradeZhCN } from './pretrade.zh-CN';
import type zhCNPages from './zh-CN.pages';

/**
 * Simplified Chinese, the default language, in two parts that the UI merges into one namespace:
 * this file is the shell, loaded before the first render (the layout, header and menu, the login
 * and Projects pages with the panels they open, the shared components, and every catalogued server
 * message so any error can be shown); `zh-CN.pages.ts` holds the other pages' texts and loads right
 * after. A key moves here when a shell file starts using it (the header's risk badge needs
 * `riskStates` and `header.riskState`, a project's detail needs `pipeline`, `pretrade`,
 * `projects.snapshots` and `themes.members`). A pages namespace a shell file needs a few keys of
 * stays in the pages part: those keys get a shell name of their own (`riskStates` out of `risk`).
 * `en.ts` must provide exactly the same keys.
 */
const zhCN = {
  app: {
    name: 'ibloop',
    tagline: 'IB 周度再平衡交易系统',
  },
  common: {
    cancel: '取消',
    edit: '编辑',
    delete: '删除',
    fixMarkedFields: '校验未通过，请检查标出的字段',
    refresh: '刷新',
    retry: '重试',
    save: '保存',
    reset: '重置',
    search: '查询',
    clear: '清空',
    loading: '加载中…',
    loadFailed: '加载失败：{{message}}',
    requestFailed: '请求失败：{{message}}',
    comingSoon: '此功能将在后续版本提供',
    comingSoonDetail: '「{{page}}」模块尚未交付，当前版本不展示任何示例数据。',
    sessionExpired: '会话已过期，请重新登录',
  },
  lang: {
    label: '语言',
    'zh-CN': '简体中文',
    en: 'English',
  },
  menu: {
    projects: '项目',
    data: '数据',
    backtests: '回测&报告',
    live: '实盘交易',
    themes: '主题库',
    audit: '系统审计',
    settings: '交易配置',
  },
  badge: {
    not_configured: '未配置',
    disconnected: '未连接',
    tradable: '可交易',
    unknown: '状态未知',
  },
  header: {
    settings: '交易配置',
    logout: '退出登录',
    signedInAs: '当前用户',
    liveEvents: '实时连接',
    liveEventsOn: '实时更新已连接',
    liveEventsOff: '实时更新已断开，正在重连',
    riskState: '交易状态：{{state}}（点击打开风控面板）',
  },
  login: {
    title: '登录 ibloop',
    subtitle: '研究与交易，一个可追溯的闭环',
    username: '用户名',
    password: '密码',
    submit: '登录',
    usernameRequired: '请输入用户名',
    passwordRequired: '请输入密码',
    invalidCredentials: '用户名或密码错误',
    rateLimited: '登录尝试过于频繁，请稍后再试',
    rateLimitedRetry: '登录尝试过于频繁，请在 {{seconds}} 秒后重试',
    failed: '登录失败：{{message}}',
    footer: '仅限本机或受信网络访问',
    points: {
      loop: '从 Alpha 数据、模型评分、回测到下单，每周一次闭环调仓',
      paper: '先在模拟盘运行，确认后再切换实盘',
      audit: '每一次登录与配置变更都记入防篡改的审计链',
    },
  },
  pages: {
    projects: { description: '管理投资项目、主题组合与调仓计划。' },
    data: { description: '行情数据、Alpha 数据源与数据质量检查。' },
    backtests: { description: '回测任务、绩效报告与模型版本对比。' },
    live: { description: '周度调仓、订单状态与风险监控。' },
    themes: { description: '系统主题与项目主题的股票池管理。' },
  },
  messages: messagesZhCN,
  /** The trading states: the header's badge on every page, and the risk panel. */
  riskStates: { ACTIVE: '正常交易', REDUCING: '仅减仓', HALTED: '已暂停交易', unknown: '风控状态未知' },
  market: marketZhCN,
  pipeline: pipelineZhCN,
  pretrade: pretradeZhCN,
  sectors: {
    title: '行业分布',
    none: '（未填行业）',
    empty: '暂无成员',
    share: '占比',
    count: '数量',
  },
  themes: {
    members: {
      title: '成员',
      symbol: '代码',
      name: '名称',
      sector: '行业',
      industry: '细分行业',
      symbolPlaceholder: '如 NVDA',
      namePlaceholder: '公司名称',
      sectorPlaceholder: '如 Information Technology',
      industryPlaceholder: '如 Semiconductors',
      add: '添加一行',
      remove: '删除此行',
      none: '暂无成员',
      errors: '{{count}} 个单元格有误，请查看标红处',
    },
  },
  projects: {
    create: '新建项目',
    createTitle: '新建项目',
    editTitle: '编辑项目：{{name}}',
    created: '已创建项目「{{name}}」（版本 1）',
    savedVersion: '已保存，生成版本 v{{version}}',
    savedNoVersion: '已保存；参数未变，版本不变',
    versionNote: '当前为 v{{version}}。修改参数并保存会生成新版本，旧版本保留可追溯。',
    nameRequired: '请输入项目名称',
    pickThemes: '选择一个或多个主题',
    reportsNote: '该项目的回测、报告与模型对比在「回测&报告」页面。',
    reportsLink: '打开回测&报告',
    all: '全部项目',
    none: '还没有项目，点击「新建项目」开始',
    pickOne: '从左侧列表选择一个项目查看参数、版本与股票池',
    toLive: '实盘交易',
    snapshots: '决策快照',
    universeEmpty: '所选主题暂无成员',
    demoDescription: '每周调仓：买入演示 30 中 26 周动量最强的 10 只（演示项目）',
    everyWeek: '每{{day}}',
    minutes: '开盘后 {{count}} 分钟',
    hints: {
      fraction: '比例，0–1（0.1 = 10%）',
      turnover: '单次调仓单边换手上限，1 = 不限',
      minutesAfterOpen: '0–389 分钟',
      gross: '比例，0–2（1 = 100%）',
      limitOffset: '限价相对参考价的偏移，0–500 bps',
      limitOffsetUnused: '仅限价单使用，0–500 bps',
      minTradeValue: '低于该金额的调整不下单',
    },
    fields: {
      name: '项目名称',
      themes: '主题',
      description: '说明',
      family: '模型',
      seed: '随机种子',
      topN: '持仓数量 Top N',
      weighting: '权重方式',
      maxWeight: '单只上限',
      sectorCap: '行业上限',
      cashBuffer: '现金缓冲',
      turnoverLimit: '换手上限',
      weekday: '调仓日',
      minutesAfterOpen: '开盘后分钟数',
      maxPositionWeight: '单只持仓上限',
      maxSectorWeight: '单行业上限',
      maxGrossExposure: '总敞口上限',
      maxDailyLoss: '单日亏损上限',
      orderType: '订单类型',
      limitOffsetBps: '限价偏移 (bps)',
      minTradeValue: '最小交易金额（USD）',
      updatedAt: '更新时间',
    },
    groups: {
      universe: '股票池与模型',
      model: '模型',
      portfolio: '组合构建',
      schedule: '调仓计划',
      risk: '风险限制',
      execution: '执行',
    },
    families: { rule: '规则 (rule)', ridge: '岭回归 (ridge)', gbt: '梯度提升树 (gbt)' },
    weightings: { equal: '等权', score: '按评分', inverse_volatility: '波动率倒数' },
    weekdays: { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五' },
    orderTypes: { MKT: '市价单 (MKT)', LMT: '限价单 (LMT)' },
    tabs: {
      params: '参数',
      versions: '版本历史 ({{count}})',
      universe: '股票池 ({{count}})',
    },
    versions: {
      version: '版本',
      current: '当前',
      createdBy: '修改人',
      createdAt: '时间',
      compare: '参数对比',
      onlyChanges: '只看变化',
      single: '只有一个版本，修改参数后可对比。',
      noChanges: '两个版本的参数相同',
      parameter: '参数',
    },
  },
};

export default zhCN;

export type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shell's shape, which `en.ts` must match key for key. */
export type ShellResources = Widen<typeof zhCN>;
/** The pages part's shape, which `en.pages.ts` must match key for key. */
export type PagesResources = Widen<typeof zhCNPages>;
/** Every key of the UI (both parts deep-merged), the shape `t()` is checked against. */
export type Resources = Widen<typeof zhCN & typeof zhCNPages>;
