export { FallbackCard } from './FallbackCard';
export { RISK_PATH } from './paths';
export { RiskPage } from './RiskPage';
export { RiskStateBadge } from './RiskStateBadge';
