import { Alert, Card, Descriptions, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LeaseResponse } from '../../api';
import { renderMessage } from '../../i18n/messages';
import { errorText, formatTime, LABEL_STYLE, type Loadable } from './model';

/** Who executes: the lease holder, since when, its fencing token; and whether this replica trades. */
export function LeaseCard({ state }: { state: Loadable<LeaseResponse> }) {
  const { t } = useTranslation();
  if (state.kind === 'loading') {
    return (
      <Card variant="borderless" className="content-card" title={t('liveTrading.lease.title')}>
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      </Card>
    );
  }
  if (state.kind !== 'ready') {
    return (
      <Card variant="borderless" className="content-card" title={t('liveTrading.lease.title')}>
        <Alert
          type="error"
          showIcon
          title={
            state.kind === 'failed'
              ? t('common.loadFailed', { message: errorText(state.reason) })
              : t('liveTrading.lease.unavailable')
          }
        />
      </Card>
    );
  }
  const { lease, thisReplica } = state.data;
  return (
    <Card
      variant="borderless"
      className="content-card"
      title={t('liveTrading.lease.title')}
      data-testid="live-lease"
    >
      {thisReplica === null ? (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          data-testid="live-read-only"
          title={t('liveTrading.lease.readOnly')}
        />
      ) : null}
      {lease === null ? (
        <Alert type="warning" showIcon data-testid="live-no-lease" title={t('liveTrading.lease.none')} />
      ) : (
        <Descriptions bordered column={{ xs: 1, md: 2, xl: 3 }} size="small" styles={{ label: LABEL_STYLE }}>
          <Descriptions.Item label={t('liveTrading.lease.holder')}>
            <Space wrap>
              <span className="mono" data-testid="live-lease-holder">
                {lease.holder}
              </span>
              {thisReplica?.holdsLease ? <Tag color="blue">{t('liveTrading.lease.thisReplica')}</Tag> : null}
              <Tag color={lease.active ? 'success' : 'default'}>
                {lease.active ? t('liveTrading.lease.active') : t('liveTrading.lease.expired')}
              </Tag>
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label={t('liveTrading.lease.since')}>
            {formatTime(lease.acquiredAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('liveTrading.lease.token')}>
            <span className="mono" data-testid="live-lease-token">
              {lease.token}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('liveTrading.lease.heartbeat')}>
            {formatTime(lease.heartbeatAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('liveTrading.lease.expires')}>
            {formatTime(lease.expiresAt)}
          </Descriptions.Item>
        </Descriptions>
      )}
      {thisReplica ? (
        <div style={{ marginTop: 12 }}>
          {thisReplica.readiness.ready ? (
            <Tag color="success" data-testid="live-ready">
              {t('liveTrading.lease.ready')}
            </Tag>
          ) : (
            <Alert
              type="warning"
              showIcon
              data-testid="live-not-ready"
              title={t('liveTrading.lease.notReady')}
              description={
                <List
                  size="small"
                  dataSource={
                    thisReplica.readiness.texts?.map(renderMessage) ?? thisReplica.readiness.reasons
                  }
                  renderItem={(reason) => <List.Item>{reason}</List.Item>}
                />
              }
            />
          )}
        </div>
      ) : null}
    </Card>
  );
}
