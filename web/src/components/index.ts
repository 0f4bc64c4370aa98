export { EChart } from './EChart';
export { errorText, type Failure } from './errorText';
export { LanguageSwitch } from './LanguageSwitch';
export { ListDetailLayout, type ListDetailLayoutProps } from './ListDetailLayout';
export { ListSearchBox } from './ListSearchBox';
export { MarketStatusProvider, MarketStatusTag, SyntheticDataNotice, useMarketStatus } from './MarketStatus';
export { CURRENCY, formatUsd } from './money';
export { PageHeader } from './PageHeader';
export { PageLoading } from './PageLoading';
export { RefreshButton } from './RefreshButton';
export { SectorBreakdown, SectorChart } from './SectorChart';
export { type SectorCount, sectorCounts } from './sectors';
export { TradingBadge, TradingDot } from './TradingBadge';
export {
  type ListSelection,
  type ListSelectionLoaders,
  type SearchBoxState,
  useListSelection,
} from './useListSelection';
