export { AlertsPage } from './AlertsPage';
export { ALERTS_PATH, AuditTabs } from './AuditTabs';
export { alertsApi } from './alerts-api';
export { TelegramTestButton } from './TelegramTestButton';
