/** The Simplified Chinese texts of alert-errors.ts; the same parameters as the English templates. */
import type { ALERT_ERRORS } from './alert-errors.js';

export const ALERT_ERRORS_ZH_CN: Record<keyof typeof ALERT_ERRORS, string> = {
  ALERT_KIND_UNKNOWN: '未知的告警类型「{{kind}}」',
  ALERT_SETTING_NOT_SET: '{{key}} 尚未设置',
  TELEGRAM_TOKEN_MALFORMED: '不是 Telegram 机器人令牌的格式（应为“数字:密钥”）',
  TELEGRAM_CHAT_ID_MALFORMED: '应为数字聊天 ID 或 @频道名',
  TELEGRAM_API_BASE_MALFORMED: '应为以 http:// 或 https:// 开头的网址',
  TELEGRAM_UNREACHABLE: '无法连接 {{apiBase}}，系统报告：{{cause}}',
  TELEGRAM_NO_ANSWER: '{{apiBase}} 在 {{seconds}} 秒内没有应答',
  TELEGRAM_RATE_LIMITED: 'Telegram 要求等待 {{seconds}} 秒（发送过于频繁），Telegram 的原文：{{description}}',
  TELEGRAM_SERVER_ERROR: 'Telegram 暂时不可用（HTTP {{status}}），Telegram 的原文：{{description}}',
  TELEGRAM_REFUSED: 'Telegram 拒绝了请求（HTTP {{status}}），Telegram 的原文：{{description}}',
  TELEGRAM_TOKEN_REFUSED: 'Telegram 不接受此机器人令牌（HTTP {{status}}），Telegram 的原文：{{description}}',
  TELEGRAM_CHAT_REFUSED: 'Telegram 无法向此聊天发送消息（HTTP {{status}}），Telegram 的原文：{{description}}',
};
