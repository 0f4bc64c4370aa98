import { ReloadOutlined } from '@ant-design/icons';
import { Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';

/** The icon button that reloads what a page shows. */
export function RefreshButton({ onClick }: { onClick: () => void }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('common.refresh')}>
      <Button icon={<ReloadOutlined />} onClick={onClick} aria-label={t('common.refresh')} />
    </Tooltip>
  );
}
