/** research-errors.ts 中各拒绝原因的简体中文文本；参数与英文模板一致。 */
import type { RESEARCH_ERRORS } from './research-errors.js';

export const RESEARCH_ERRORS_ZH_CN: Record<keyof typeof RESEARCH_ERRORS, string> = {
  // 项目与主题
  PROJECT_NOT_FOUND: '项目 #{{id}} 不存在',
  PROJECT_NAME_NOT_FOUND: '没有名为「{{name}}」的项目',
  PROJECT_VERSION_NOT_FOUND: '项目 #{{id}} 没有版本 v{{version}}',
  THEMES_UNKNOWN: '未知的主题 ID：{{ids}}',
  THEME_NOT_FOUND: '主题 #{{id}} 不存在',
  DEFENSIVE_ASSET_UNKNOWN: '未知标的 {{symbol}}：既不在项目的主题中，也未在 IB 合约缓存中解析',
  // 行情数据的股票范围
  UNIVERSE_SELECTOR_NOT_ONE: '项目、主题、股票代码三者须且只能指定其一',
  SYMBOL_INVALID: '「{{symbol}}」不是有效的股票代码',
  SYMBOLS_EMPTY: '请至少列出一个股票代码',
  // 决策与决策快照
  TRADING_DATE_NOT_A_DAY: '「{{value}}」不是日期（格式为 YYYY-MM-DD）',
  NOT_A_TRADING_DAY: '{{date}} 不是纽交所交易日（周末或假日）',
  REDECIDE_REASON_TOO_SHORT: '请说明原因（至少 {{minimum}} 个字符）',
  SNAPSHOT_NOT_FOUND: '快照 #{{id}} 不存在',
  SNAPSHOT_NOT_CURRENT: '快照 #{{id}} 不是 {{date}} 的当前决策',
  SNAPSHOT_ALREADY_SUPERSEDED: '快照 #{{id}} 已被快照 #{{by}} 取代',
  REDECIDE_UNCHANGED: '重新决策仍得到快照 #{{id}}：结果没有变化',
  SNAPSHOT_OTHER_PROJECT: '快照 #{{id}} 属于项目 #{{project}}',
  SNAPSHOT_TAMPERED: '快照 #{{id}} 校验失败（{{problems}}）：冻结后被改动过，拒绝交易',
  SNAPSHOT_HASH_DIFFERS: '快照 #{{id}} 不是创建本次运行时所用的快照（哈希不同）',
  SNAPSHOT_UNREADABLE: '快照 #{{id}} 的内容无法读取',
  MANUAL_FILE_HASH_INVALID: '文件哈希必须是 SHA-256 十六进制摘要',
  PARITY_RUN_NO_SNAPSHOT: '运行 #{{id}} 没有决策快照',
  DECISION_NO_MODEL_VERSION: '该决策未指明模型版本',
  DECISION_BARS_INCOMPLETE: '{{date}} 的 IB 日线不完整，缺失策略为“失败”：{{symbols}}',
  DECISION_NO_BARS: '股票池中没有任何股票有截至 {{date}} 的 IB 日线',
  // 模型、回测与研究数据
  MODEL_NOT_FOUND: '模型 {{version}} 不存在',
  MODEL_UNREADABLE: '模型 {{version}} 无法读取',
  TRAINING_PARAM_INVALID: '训练参数 {{param}} 无效',
  BACKTEST_NOT_FOUND: '回测 #{{id}} 不存在',
  BACKTEST_RESULT_MISSING: '回测 #{{id}} 的结果文件缺失',
  BENCHMARK_NOT_IN_STORE: '研究数据库中没有 {{symbol}}；请先导入',
  PROJECT_THEMES_EMPTY: '项目的主题中没有成员股票',
  RESEARCH_DATA_TOO_FEW:
    '{{total}} 只股票中只有 {{present}} 只有研究数据；请先导入或下载数据（缺少：{{missing}}）',
  ALPHA_VANTAGE_KEY_MISSING: '尚未设置 ALPHA_VANTAGE_API_KEY；请先在设置中保存',
  IMPORT_TOO_LARGE: '一次导入的文件最多只能包含 {{megabytes}} MB 文本',
  IMPORT_CANCELLED: '导入已取消',
  IMPORT_CANCELLED_BY: '导入已被 {{actor}} 取消',
  // 参数扫描
  SWEEP_SIGNAL_INVALID: '信号表达式在位置 {{position}} 处无效：{{detail}}',
  SWEEP_TOO_MANY_POINTS: '参数网格共 {{points}} 组，最多允许 {{maximum}} 组',
  SWEEP_NOT_FOUND: '参数扫描 #{{id}} 不存在',
  SWEEP_NOT_FINISHED: '参数扫描 #{{id}} 状态为「{{status}}」；只有已完成的扫描才能重跑',
  SWEEP_POINT_NOT_FOUND: '参数扫描 #{{id}} 中没有参数组 {{point}}…',
  SWEEP_DATA_CHANGED: '扫描之后研究数据已变化；请重新运行扫描',
};
