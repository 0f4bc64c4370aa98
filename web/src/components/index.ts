export { LanguageSwitch } from './LanguageSwitch';
export { PageHeader } from './PageHeader';
export { SectorBreakdown, SectorChart } from './SectorChart';
export { type SectorCount, sectorCounts } from './sectors';
export { TradingBadge, TradingDot } from './TradingBadge';
