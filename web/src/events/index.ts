export { EventsProvider, useEvents, useServerEvent } from './EventsProvider';
export { TradingStatusProvider, useTradingStatus } from './TradingStatusProvider';
