/** server-errors.ts 中各条文本的简体中文版本；参数与英文模板一致。 */
import type { SERVER_ERRORS } from './server-errors.js';

export const SERVER_ERRORS_ZH_CN: Record<keyof typeof SERVER_ERRORS, string> = {
  // 登录墙与事件流
  HOST_NOT_SERVED: '本服务器不接受此主机名的访问',
  CROSS_ORIGIN_REFUSED: '已拒绝跨站请求',
  CSRF_TOKEN_WRONG: '缺少 x-csrf-token 请求头或其值不正确',
  LOGIN_REQUIRED: '请先登录',
  // 登录
  LOGIN_WRONG_CREDENTIALS: '用户名或密码错误',
  LOGIN_FAILURES_THROTTLED: '登录失败次数过多，请在 {{seconds}} 秒后重试',
  LOGIN_ATTEMPTS_LIMITED: '登录尝试过于频繁，请在 {{seconds}} 秒后重试',
  // 服务器无法接受的请求
  ROUTE_NOT_FOUND: '不存在接口 {{method}} {{path}}',
  REQUESTS_RATE_LIMITED: '请求过于频繁，请稍后重试',
  BODY_TOO_LARGE: '请求内容过大',
  BODY_NOT_JSON: '请求内容不是有效的 JSON',
  BODY_EMPTY_JSON: '请求内容为空，但其类型声明为 JSON',
  BODY_MEDIA_TYPE_UNSUPPORTED: '不支持该请求内容类型',
  REQUEST_REFUSED: '请求被拒绝（{{status}}）：{{detail}}',
  THEME_CSV_LINE_INVALID: '第 {{line}} 行，{{field}}：{{detail}}',
  INTERNAL_ERROR: '服务器内部错误，请查看服务器日志',
  // 设置
  SETTING_UNKNOWN: '未知设置项',
  SETTING_NOT_STORABLE: '不能在界面中保存；请在环境变量或配置文件中设置',
  SETTING_SET_BY_ENV: '已由环境变量设置（优先级更高），请在那里修改',
  SETTING_SET_BY_FILE: '已由配置文件设置（优先级更高），请在那里修改',
  SETTING_MASKED_VALUE: '这看起来是打码后的值，请输入完整的值',
  SETTING_NOT_SCALAR: '必须是字符串或数字',
  CONFIG_FILE_NOT_FOUND: '文件不存在',
  CONFIG_FILE_UNPARSABLE: '不是有效的 YAML/JSON：{{detail}}',
  CONFIG_FILE_NOT_MAPPING: '必须是「键: 值」形式的映射',
  // 校验规则给出的字段原因
  FIELD_END_BEFORE_START: '不能早于开始日期',
};
