import { ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Dropdown,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { alertText, isAlertTextKind } from '../../../../src/contract/alert-texts';
import { PageHeader } from '../../components';
import { useServerEvent } from '../../events';
import { currentLanguage } from '../../i18n';
import { renderEnum, renderMessage } from '../../i18n/messages';
import { SETTINGS_PATH } from '../../layout';
import { AuditTabs } from './AuditTabs';
import {
  type AlertItem,
  type AlertListResponse,
  type AlertRule,
  type AlertSeverity,
  type AlertStatus,
  alertsApi,
} from './alerts-api';

const PAGE_SIZE = 20;
const SEVERITY_COLOR: Record<AlertSeverity, string> = { critical: 'red', warning: 'orange', info: 'blue' };
const STATUS_BADGE: Record<AlertStatus, 'processing' | 'success' | 'default'> = {
  pending: 'processing',
  delivered: 'success',
  suppressed: 'default',
};
const SNOOZE_HOURS = [1, 4, 24];

const time = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm:ss');

/**
 * The alert in the UI language, from its kind and parameters (the stored text is in the alert
 * language of the day it was queued); a kind this version does not know shows the stored text.
 */
function alertItemText(item: AlertItem, stored: string): string {
  if (!isAlertTextKind(item.kind)) return stored;
  try {
    return alertText(item.kind, item.params as never, currentLanguage(), {
      message: renderMessage,
      enumValue: renderEnum,
    });
  } catch {
    return stored;
  }
}

/** Why the last delivery failed, in the UI language; rows from before the code show their stored (English) text. */
function lastErrorText(item: AlertItem): string {
  return item.lastErrorText ? renderMessage(item.lastErrorText) : (item.lastError ?? '');
}

export function AlertsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [kind, setKind] = useState<string | undefined>();
  const [status, setStatus] = useState<AlertStatus | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<AlertListResponse | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reloadCount, setReloadCount] = useState(0);
  const [saving, setSaving] = useState<string | null>(null);
  const reload = useCallback(() => setReloadCount((n) => n + 1), []);

  // Kind names contain dots, which i18next reads as nesting: look them up in the table instead.
  const kindNames = t('alerts.kinds', { returnObjects: true }) as Record<string, string>;
  const kindLabel = (value: string) => kindNames[value] ?? value;

  // reloadCount is a deliberate trigger: same filters, fresh data.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    alertsApi
      .list({ kind, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
      .then((answer) => {
        if (!cancelled) setData(answer);
      })
      .catch((failure: unknown) => {
        if (!cancelled) setError(failure instanceof Error ? failure.message : String(failure));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [kind, status, page, reloadCount]);

  // Mute/snooze changes are audited, so the audit stream tells this page (and other tabs) to refresh.
  useServerEvent('audit.appended', reload);

  const changeRule = async (rule: AlertRule, change: { muted?: boolean; snoozeMinutes?: number | null }) => {
    setSaving(rule.kind);
    try {
      await alertsApi.updateRule(rule.kind, change);
      message.success(t('alerts.rules.saved', { kind: kindLabel(rule.kind) }));
      reload();
    } catch (failure) {
      message.error(t('common.requestFailed', { message: failure instanceof Error ? failure.message : '' }));
    } finally {
      setSaving(null);
    }
  };

  const columns: ColumnsType<AlertItem> = [
    {
      title: t('alerts.columns.id'),
      dataIndex: 'id',
      width: 70,
      render: (id: number) => <span className="mono">#{id}</span>,
    },
    {
      title: t('alerts.columns.time'),
      dataIndex: 'createdAt',
      width: 170,
      render: (value: string) => <span className="mono">{time(value)}</span>,
    },
    {
      title: t('alerts.columns.kind'),
      dataIndex: 'kind',
      width: 190,
      render: (value: string, item) => (
        <Space direction="vertical" size={2}>
          <span data-testid={`alert-kind-${item.id}`}>{kindLabel(value)}</span>
          <Tag color={SEVERITY_COLOR[item.severity]}>{t(`alerts.severity.${item.severity}`)}</Tag>
        </Space>
      ),
    },
    {
      title: t('alerts.columns.text'),
      dataIndex: 'text',
      render: (value: string, item) => (
        <Space direction="vertical" size={2}>
          <Typography.Text style={{ whiteSpace: 'pre-wrap' }} data-testid={`alert-text-${item.id}`}>
            {alertItemText(item, value)}
          </Typography.Text>
          {item.open ? <Tag color="volcano">{t('alerts.open')}</Tag> : null}
          {item.resolvedAt && item.open === false && item.kind !== 'ib.reconnected' ? (
            <Typography.Text type="secondary">
              {t('alerts.resolvedAt', { time: time(item.resolvedAt) })}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('alerts.columns.count'),
      dataIndex: 'occurrences',
      width: 80,
      render: (value: number, item) => <span data-testid={`alert-count-${item.id}`}>×{value}</span>,
    },
    {
      title: t('alerts.columns.status'),
      dataIndex: 'status',
      width: 220,
      render: (value: AlertStatus, item) => (
        <Space direction="vertical" size={2} data-testid={`alert-status-${item.id}`} data-status={value}>
          <Badge status={STATUS_BADGE[value]} text={t(`alerts.status.${value}`)} />
          {item.deliveredAt ? (
            <Typography.Text type="secondary">
              {t('alerts.deliveredAt', { time: time(item.deliveredAt) })}
            </Typography.Text>
          ) : null}
          {value === 'suppressed' && item.suppressedReason ? (
            <Typography.Text type="secondary">
              {t(`alerts.suppressed.${item.suppressedReason}`)}
            </Typography.Text>
          ) : null}
          {value === 'pending' && item.attempts > 0 ? (
            <Typography.Text type="secondary">
              {t('alerts.nextAttempt', { time: time(item.nextAttemptAt) })}
            </Typography.Text>
          ) : null}
          {item.lastErrorText || item.lastError ? (
            <Typography.Text type="danger" data-testid={`alert-last-error-${item.id}`}>
              {t('alerts.lastError', { error: lastErrorText(item) })}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    { title: t('alerts.columns.attempts'), dataIndex: 'attempts', width: 80 },
  ];

  const ruleColumns: ColumnsType<AlertRule> = [
    { title: t('alerts.rules.kind'), dataIndex: 'kind', render: (value: string) => kindLabel(value) },
    {
      title: t('alerts.rules.defaultSeverity'),
      dataIndex: 'severity',
      width: 110,
      render: (value: AlertSeverity) => (
        <Tag color={SEVERITY_COLOR[value]}>{t(`alerts.severity.${value}`)}</Tag>
      ),
    },
    {
      title: t('alerts.rules.window'),
      dataIndex: 'suppressSeconds',
      width: 130,
      render: (value: number | null) =>
        value === null
          ? t('alerts.rules.untilResolved')
          : value === 0
            ? t('alerts.rules.none')
            : t('alerts.rules.seconds', { count: value }),
    },
    {
      title: t('alerts.rules.muted'),
      dataIndex: 'muted',
      width: 90,
      render: (muted: boolean, rule) => (
        <Switch
          size="small"
          checked={muted}
          loading={saving === rule.kind}
          data-testid={`alert-mute-${rule.kind}`}
          onChange={(checked) => void changeRule(rule, { muted: checked })}
        />
      ),
    },
    {
      title: t('alerts.rules.snooze'),
      dataIndex: 'snoozedUntil',
      width: 220,
      render: (until: string | null, rule) => {
        const active = until !== null && dayjs(until).isAfter(dayjs());
        return (
          <Space>
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  ...SNOOZE_HOURS.map((hours) => ({
                    key: String(hours),
                    label: (
                      <span data-testid={`alert-snooze-${rule.kind}-${hours}`}>
                        {t('alerts.rules.snoozeFor', { hours })}
                      </span>
                    ),
                  })),
                  ...(active ? [{ key: '0', label: t('alerts.rules.unsnooze') }] : []),
                ],
                onClick: ({ key }) => void changeRule(rule, { snoozeMinutes: Number(key) * 60 }),
              }}
            >
              <Button size="small" data-testid={`alert-snooze-${rule.kind}`}>
                {t('alerts.rules.snooze')}
              </Button>
            </Dropdown>
            {active ? (
              <Typography.Text type="secondary" data-testid={`alert-snoozed-${rule.kind}`}>
                {t('alerts.rules.snoozedUntil', { time: dayjs(until).format('MM-DD HH:mm') })}
              </Typography.Text>
            ) : null}
          </Space>
        );
      },
    },
  ];

  const channel = data?.channel;
  return (
    <>
      <PageHeader
        title={t('alerts.title')}
        subtitle={t('alerts.subtitle')}
        extra={
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={reload} aria-label={t('common.refresh')} />
          </Tooltip>
        }
      />
      <AuditTabs active="alerts" />
      {channel && !channel.configured ? (
        <Alert
          type="warning"
          showIcon
          data-testid="alerts-channel"
          data-state="unconfigured"
          title={t('alerts.channel.notConfigured')}
          action={<Link to={SETTINGS_PATH}>{t('alerts.channel.configureLink')}</Link>}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {channel?.configured && channel.blockedUntil && dayjs(channel.blockedUntil).isAfter(dayjs()) ? (
        <Alert
          type="error"
          showIcon
          data-testid="alerts-channel"
          data-state="paused"
          title={t('alerts.channel.paused', { time: time(channel.blockedUntil), failures: channel.failures })}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed', { message: error })}
          action={<Button onClick={reload}>{t('common.retry')}</Button>}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Card variant="borderless" className="content-card" style={{ marginBottom: 16 }}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            allowClear
            placeholder={t('alerts.filters.kind')}
            style={{ width: 220 }}
            value={kind}
            data-testid="alerts-filter-kind"
            onChange={(value?: string) => {
              setKind(value);
              setPage(1);
            }}
            options={(data?.rules ?? []).map((rule) => ({ value: rule.kind, label: kindLabel(rule.kind) }))}
          />
          <Select
            allowClear
            placeholder={t('alerts.filters.status')}
            style={{ width: 160 }}
            value={status}
            data-testid="alerts-filter-status"
            onChange={(value?: AlertStatus) => {
              setStatus(value);
              setPage(1);
            }}
            options={(['pending', 'delivered', 'suppressed'] as const).map((value) => ({
              value,
              label: t(`alerts.status.${value}`),
            }))}
          />
        </Space>
        <Table<AlertItem>
          rowKey="id"
          size="middle"
          data-testid="alerts-table"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          locale={{ emptyText: t('alerts.empty') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: data?.total ?? 0,
            showSizeChanger: false,
            onChange: (next) => setPage(next),
          }}
        />
      </Card>
      <Card
        variant="borderless"
        className="content-card"
        title={t('alerts.rules.title')}
        extra={<Typography.Text type="secondary">{t('alerts.rules.hint')}</Typography.Text>}
      >
        <Table<AlertRule>
          rowKey="kind"
          size="small"
          data-testid="alerts-rules"
          columns={ruleColumns}
          dataSource={data?.rules ?? []}
          pagination={false}
        />
      </Card>
    </>
  );
}
