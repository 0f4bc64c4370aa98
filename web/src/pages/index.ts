export { AuditPage } from './audit';
export { ComingSoonPage } from './ComingSoonPage';
export { LiveTradingPage } from './LiveTradingPage';
export { LoginPage } from './LoginPage';
export { SettingsPage } from './settings';
