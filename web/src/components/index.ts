export { LanguageSwitch } from './LanguageSwitch';
export { PageHeader } from './PageHeader';
export { TradingBadge, TradingDot } from './TradingBadge';
