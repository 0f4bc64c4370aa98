import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';

export const ALERTS_PATH = '/audit/alerts';

/** 系统审计 has two views: the audit log and the alert history. */
export function AuditTabs({ active }: { active: 'log' | 'alerts' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Segmented
      className="audit-tabs"
      data-testid="audit-tabs"
      value={active}
      onChange={(value) => navigate(value === 'alerts' ? ALERTS_PATH : '/audit')}
      options={[
        { value: 'log', label: <span data-testid="audit-tab-log">{t('alerts.tabs.log')}</span> },
        { value: 'alerts', label: <span data-testid="audit-tab-alerts">{t('alerts.tabs.alerts')}</span> },
      ]}
      style={{ marginBottom: 16 }}
    />
  );
}
