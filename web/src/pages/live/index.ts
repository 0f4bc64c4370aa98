export { ConnectionTestAlert, type ConnectionTestState, useConnectionTest } from './ConnectionTest';
export { LiveTradingPage } from './LiveTradingPage';
