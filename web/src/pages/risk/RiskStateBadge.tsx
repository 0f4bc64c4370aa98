import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { TradingStateName } from '../../api';
import { RISK_PATH } from './paths';
import { strictestState, useRiskStatus } from './useRiskStatus';

export const STATE_COLOR: Record<TradingStateName, string> = {
  ACTIVE: 'success',
  REDUCING: 'warning',
  HALTED: 'error',
};

/** ACTIVE / REDUCING / HALTED on every page (the strictest scope), live; opens the risk panel. */
export function RiskStateBadge() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { status } = useRiskStatus();
  const state = strictestState(status);
  const text = state ? t(`riskStates.${state}`) : t('riskStates.unknown');
  return (
    <Tooltip title={t('header.riskState', { state: text })}>
      <Tag
        className="risk-state-badge"
        color={state ? STATE_COLOR[state] : 'default'}
        icon={<SafetyCertificateOutlined />}
        data-testid="risk-state-badge"
        data-state={state ?? 'unknown'}
        style={{ cursor: 'pointer' }}
        onClick={() => navigate(RISK_PATH)}
      >
        {text}
      </Tag>
    </Tooltip>
  );
}
