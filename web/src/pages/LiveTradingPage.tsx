import { SettingOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { PageHeader, TradingBadge } from '../components';
import { useTradingStatus } from '../events';
import { SETTINGS_PATH } from '../layout';
import { ComingSoonCard } from './ComingSoonPage';

export function LiveTradingPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { status } = useTradingStatus();
  return (
    <>
      <PageHeader title={t('menu.live')} subtitle={t('pages.live.description')} />
      <Card
        variant="borderless"
        className="content-card"
        title={t('live.connection')}
        extra={
          <Button icon={<SettingOutlined />} onClick={() => navigate(SETTINGS_PATH)}>
            {t('live.configure')}
          </Button>
        }
      >
        <Descriptions column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('live.status')}>
            <TradingBadge />
          </Descriptions.Item>
          <Descriptions.Item label={t('live.mode')}>
            {status ? (
              <Tag color={status.mode === 'live' ? 'red' : 'blue'}>{t(`live.modes.${status.mode}`)}</Tag>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('live.account')}>
            <span className="mono">{status?.account ?? t('live.noAccount')}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <ComingSoonCard page="live" icon={<ThunderboltOutlined />} />
    </>
  );
}
