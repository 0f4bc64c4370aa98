import { ReloadOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { IbStatus } from '../../api';
import { TradingBadge } from '../../components';
import { useTradingStatus } from '../../events';
import { renderEnum } from '../../i18n/messages';
import { SETTINGS_PATH } from '../../layout';
import { ibReasonLine } from './ib-reason';
import {
  ageSeconds,
  errorText,
  formatTime,
  IB_STATUS_COLORS,
  LABEL_STYLE,
  type Loadable,
  useNow,
} from './model';

function GatewayNotice({ status }: { status: IbStatus }) {
  const { t } = useTranslation();
  if (status.builtInGateway) {
    return (
      <Alert
        type="warning"
        showIcon
        className="page-notice"
        data-testid="live-builtin-gateway"
        title={t('liveTrading.connection.builtInTitle')}
        description={t('liveTrading.connection.builtInDetail')}
      />
    );
  }
  return (
    <Alert
      type={status.mode === 'live' ? 'error' : 'info'}
      showIcon
      className="page-notice"
      data-testid="live-real-gateway"
      title={t('liveTrading.connection.realGateway', { host: status.host, port: status.port })}
    />
  );
}

function StatusDetails({ status }: { status: IbStatus }) {
  const { t } = useTranslation();
  const now = useNow();
  const heartbeat =
    status.lastHeartbeatMs === null
      ? t('liveTrading.connection.never')
      : t('liveTrading.connection.ago', {
          time: formatTime(status.lastHeartbeatMs),
          seconds: ageSeconds(status.lastHeartbeatMs, now),
        });
  return (
    <Descriptions
      bordered
      column={{ xs: 1, md: 2, xl: 3 }}
      size="small"
      styles={{ label: LABEL_STYLE }}
      data-testid="live-ib-status"
    >
      <Descriptions.Item label={t('liveTrading.connection.state')}>
        <Space wrap>
          <Tag
            color={IB_STATUS_COLORS[status.status] ?? 'default'}
            data-testid="live-ib-state"
            data-state={status.status}
          >
            {renderEnum('connectionStatus', status.status)}
          </Tag>
          {status.reason ? (
            <Typography.Text type="secondary" data-testid="live-ib-reason">
              {ibReasonLine(status.reasonCode, status.reason)}
            </Typography.Text>
          ) : null}
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.mode')}>
        <Tag color={status.mode === 'live' ? 'red' : 'blue'} data-testid="live-ib-mode">
          {t(`liveTrading.modes.${status.mode}`)}
        </Tag>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.account')}>
        <span className="mono" data-testid="live-ib-account">
          {status.account ?? t('liveTrading.connection.noAccount')}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.modeCheck')}>
        {status.modeCheck.ok ? (
          <Tag color="success">{t('liveTrading.connection.modeCheckOk')}</Tag>
        ) : (
          <Space wrap>
            <Tag color="error">{t('liveTrading.connection.modeCheckFailed')}</Tag>
            {status.modeCheck.reason ? (
              <Typography.Text type="secondary" data-testid="live-ib-mode-check-reason">
                {ibReasonLine(status.modeCheck.reasonCode, status.modeCheck.reason, false)}
              </Typography.Text>
            ) : null}
          </Space>
        )}
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.serverVersion')}>
        <span className="mono" data-testid="live-ib-server-version">
          {status.serverVersion ?? '—'}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.lastHeartbeat')}>
        <span data-testid="live-ib-heartbeat">{heartbeat}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.reconnects')}>
        <span className="mono" data-testid="live-ib-reconnects">
          {status.reconnectCount}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.lastError')}>
        <span data-testid="live-ib-last-error">
          {status.lastError
            ? t('liveTrading.connection.errorLine', {
                code: status.lastError.code,
                message: ibReasonLine(status.lastError.reasonCode, status.lastError.message),
                time: formatTime(status.lastError.atMs),
              })
            : t('liveTrading.connection.noError')}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.endpoint')}>
        <span className="mono">
          {status.host}:{status.port} · {t('liveTrading.connection.clientId', { id: status.clientId })}
        </span>
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.since')}>
        {formatTime(status.sinceMs)}
      </Descriptions.Item>
      <Descriptions.Item label={t('liveTrading.connection.accounts')}>
        <span className="mono">{status.accounts.length ? status.accounts.join(', ') : '—'}</span>
      </Descriptions.Item>
    </Descriptions>
  );
}

/** IB status: state, mode, masked account, server version, heartbeat, reconnects, last error. */
export function ConnectionCard({ state, onRefresh }: { state: Loadable<IbStatus>; onRefresh(): void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { status: trading } = useTradingStatus();
  const connected = state.kind === 'ready' && state.data.status === 'CONNECTED';

  return (
    <Card
      variant="borderless"
      className="content-card"
      title={
        <Space>
          {t('liveTrading.connection.title')}
          <TradingBadge />
        </Space>
      }
      extra={
        <Space>
          <Button icon={<ReloadOutlined />} onClick={onRefresh} data-testid="live-ib-refresh">
            {t('common.refresh')}
          </Button>
          <Button icon={<SettingOutlined />} onClick={() => navigate(SETTINGS_PATH)}>
            {t('liveTrading.connection.configure')}
          </Button>
        </Space>
      }
    >
      {state.kind === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : null}
      {state.kind === 'unavailable' ? (
        <Alert
          type="warning"
          showIcon
          data-testid="live-ib-unavailable"
          title={t('liveTrading.connection.notRunning')}
          description={t('liveTrading.connection.notRunningDetail', {
            mode: trading ? t(`liveTrading.modes.${trading.mode}`) : '—',
            account: trading?.account ?? t('liveTrading.connection.noAccount'),
          })}
        />
      ) : null}
      {state.kind === 'failed' ? (
        <Alert
          type="error"
          showIcon
          data-testid="live-ib-failed"
          title={t('common.loadFailed', { message: errorText(state.reason) })}
        />
      ) : null}
      {state.kind === 'ready' ? (
        <>
          {connected ? null : (
            <Alert
              type="warning"
              showIcon
              className="page-notice"
              data-testid="live-ib-not-connected"
              title={t('liveTrading.connection.notConnected', { status: state.data.status })}
            />
          )}
          <GatewayNotice status={state.data} />
          <StatusDetails status={state.data} />
        </>
      ) : null}
    </Card>
  );
}
