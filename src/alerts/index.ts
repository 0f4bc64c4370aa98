/**
 * Alerts: one durable outbox that every replica can write to (`enqueueAlert`), de-duplication and
 * suppression, and delivery to Telegram by one replica at a time. See docs/alerts.md.
 */
export { type ChannelState, channelState, telegramConfig } from './delivery.js';
export { type ExpectedOutages, IbConnectionAlerts, type IbWatchTimings } from './ib-watch.js';
export {
  ALERT_KIND_NAMES,
  ALERT_KINDS,
  ALERT_LANGUAGES,
  ALERT_SEVERITIES,
  type AlertKind,
  type AlertLanguage,
  type AlertParamsByKind,
  type AlertSeverity,
  isAlertKind,
  renderAlert,
} from './kinds.js';
export {
  type AlertQuery,
  type AlertRule,
  type AlertStatus,
  type AlertTarget,
  type AlertView,
  type EnqueueInput,
  type EnqueueResult,
  enqueueAlert,
  listAlerts,
  listRules,
  openAlert,
  type RuleChange,
  resolveAlert,
  updateRule,
} from './outbox.js';
export {
  type AlertContext,
  type AlertService,
  sendTestMessage,
  startAlerts,
  TelegramUnavailableError,
  type TestMessageInput,
  type TestMessageResult,
  watchIbConnection,
} from './service.js';
export { splitText, TELEGRAM_TEXT_LIMIT, TelegramError } from './telegram.js';
