import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditQuery, type AuditRecord, type AuditVerifyResponse, api } from '../../api';
import { PageHeader } from '../../components';
import { RecordView, targetText } from '../../components/RecordView';
import { useServerEvent } from '../../events';
import { currentLanguage } from '../../i18n';
import { auditActionText, auditActorText } from '../../i18n/auditActions';
import { AuditTabs } from '../alerts';

interface FilterForm {
  actor?: string;
  action?: string;
  target?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

type Filters = Pick<AuditQuery, 'actor' | 'action' | 'target' | 'from' | 'to'>;

const DEFAULT_PAGE_SIZE = 20;

function toFilters(form: FilterForm): Filters {
  const text = (value: string | undefined) => value?.trim() || undefined;
  const [from, to] = form.range ?? [null, null];
  return {
    actor: text(form.actor),
    action: text(form.action),
    target: text(form.target),
    from: from ? from.toISOString() : undefined,
    to: to ? to.toISOString() : undefined,
  };
}

function actionColor(action: string): string {
  if (action.startsWith('auth.')) return 'blue';
  if (action.startsWith('settings.')) return 'gold';
  return 'default';
}

function AnchorNote({ verify }: { verify: AuditVerifyResponse }) {
  const { t } = useTranslation();
  if (verify.anchor === undefined) return null;
  return (
    <span data-testid="audit-verify-anchor">
      {verify.anchor
        ? t('auditChain.anchor', { count: verify.anchor.checkpoints })
        : t('auditChain.noAnchor')}
    </span>
  );
}

function VerifyBanner({ verify, error }: { verify: AuditVerifyResponse | null; error: string | null }) {
  const { t } = useTranslation();
  if (error) {
    return <Alert type="warning" showIcon title={t('audit.verifyFailed', { message: error })} />;
  }
  if (!verify) return <Alert type="info" showIcon title={t('audit.verifying')} />;
  if (verify.ok) {
    return (
      <Alert
        type="success"
        showIcon
        data-testid="audit-verify"
        data-ok="true"
        title={t('audit.verifyOk')}
        description={
          <>
            {t('audit.verifyOkDetail', { checked: verify.checked })} <AnchorNote verify={verify} />
          </>
        }
      />
    );
  }
  const broken = verify.firstBroken;
  const kind = broken?.kind;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="audit-verify"
      data-ok="false"
      data-kind={kind ?? ''}
      title={
        kind ? t('auditChain.brokenTitle', { kind: t(`auditChain.kinds.${kind}`) }) : t('audit.verifyBroken')
      }
      description={
        kind ? (
          <Space vertical size={2}>
            <span>
              {t(`auditChain.details.${kind}`, { id: broken?.id ?? '?' })}{' '}
              {t('auditChain.checked', { checked: verify.checked })}
            </span>
            <Typography.Text type="secondary">
              {t('auditChain.technical', { reason: broken?.reason ?? '' })}
            </Typography.Text>
          </Space>
        ) : (
          t('audit.verifyBrokenDetail', {
            id: broken?.id ?? '?',
            reason: broken?.reason ?? '',
            checked: verify.checked,
          })
        )
      }
    />
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [items, setItems] = useState<AuditRecord[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(false);
  const [listError, setListError] = useState<string | null>(null);
  const [verify, setVerify] = useState<AuditVerifyResponse | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [reloadCount, setReloadCount] = useState(0);

  const reload = useCallback(() => setReloadCount((count) => count + 1), []);

  // reloadCount is a deliberate trigger: same filters, fresh data.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setListError(null);
    api
      .listAudit({ ...filters, limit: pageSize, offset: (page - 1) * pageSize })
      .then((answer) => {
        if (cancelled) return;
        setItems(answer.items);
        setTotal(answer.total);
      })
      .catch((error: unknown) => {
        if (!cancelled) setListError(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [filters, page, pageSize, reloadCount]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadCount re-verifies on demand
  useEffect(() => {
    let cancelled = false;
    setVerifyError(null);
    api
      .verifyAudit()
      .then((answer) => {
        if (!cancelled) setVerify(answer);
      })
      .catch((error: unknown) => {
        if (!cancelled) setVerifyError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [reloadCount]);

  useServerEvent('audit.appended', reload);

  const columns: ColumnsType<AuditRecord> = [
    {
      title: t('audit.columns.id'),
      dataIndex: 'id',
      width: 80,
      render: (id: AuditRecord['id']) => <span className="mono">{id}</span>,
    },
    {
      title: t('audit.columns.time'),
      dataIndex: 'time',
      width: 190,
      render: (time: string) => (
        <Tooltip title={time}>
          <span className="mono">{dayjs(time).format('YYYY-MM-DD HH:mm:ss')}</span>
        </Tooltip>
      ),
    },
    {
      title: t('audit.columns.actor'),
      dataIndex: 'actor',
      width: 140,
      // The system's actors by name in the UI language; the raw actor (what the filter takes) on hover.
      render: (actor: string) => (
        <Tooltip title={actor}>
          <span data-actor={actor}>{auditActorText(actor, currentLanguage())}</span>
        </Tooltip>
      ),
    },
    {
      title: t('audit.columns.action'),
      dataIndex: 'action',
      width: 200,
      // The tag stays in the tooltip: the action filter takes tags.
      render: (action: string) => (
        <Tooltip title={action}>
          <Tag color={actionColor(action)}>{auditActionText(action, currentLanguage())}</Tag>
        </Tooltip>
      ),
    },
    {
      title: t('audit.columns.target'),
      dataIndex: 'target',
      ellipsis: true,
      render: (target: string) => <span title={target}>{targetText(target)}</span>,
    },
    {
      title: t('audit.columns.hash'),
      dataIndex: 'hash',
      width: 140,
      render: (hash: string) => (
        <Tooltip title={hash}>
          <span className="mono hash">{hash.slice(0, 12)}</span>
        </Tooltip>
      ),
    },
  ];

  const applyFilters = (values: FilterForm) => {
    setFilters(toFilters(values));
    setPage(1);
  };

  return (
    <>
      <PageHeader
        title={t('audit.title')}
        subtitle={t('audit.subtitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload} data-testid="audit-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      <AuditTabs active="log" />
      <div className="audit-banner">
        <VerifyBanner verify={verify} error={verifyError} />
      </div>
      <Card variant="borderless" className="content-card">
        <Form<FilterForm>
          form={form}
          layout="inline"
          className="audit-filters"
          onFinish={applyFilters}
          data-testid="audit-filters"
        >
          <Form.Item name="actor" label={t('audit.filters.actor')}>
            <Input allowClear placeholder={t('audit.filters.actorHint')} data-testid="audit-filter-actor" />
          </Form.Item>
          <Form.Item name="action" label={t('audit.filters.action')}>
            <Input allowClear placeholder={t('audit.filters.actionHint')} data-testid="audit-filter-action" />
          </Form.Item>
          <Form.Item name="target" label={t('audit.filters.target')}>
            <Input allowClear placeholder={t('audit.filters.targetHint')} data-testid="audit-filter-target" />
          </Form.Item>
          <Form.Item name="range" label={t('audit.filters.timeRange')}>
            <DatePicker.RangePicker
              showTime
              allowEmpty={[true, true]}
              placeholder={[t('audit.filters.start'), t('audit.filters.end')]}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="audit-search">
                {t('common.search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  applyFilters({});
                }}
              >
                {t('common.clear')}
              </Button>
            </Space>
          </Form.Item>
        </Form>
        {listError ? (
          <Alert
            className="audit-list-error"
            type="error"
            showIcon
            title={t('common.loadFailed', { message: listError })}
          />
        ) : null}
        <Table<AuditRecord>
          data-testid="audit-table"
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={items}
          expandable={{
            expandedRowRender: (record) => (
              <div className="audit-detail">
                <div className="audit-diff">
                  <div>
                    <Typography.Text strong>{t('audit.before')}</Typography.Text>
                    <RecordView value={record.before} empty={t('audit.none')} />
                  </div>
                  <div>
                    <Typography.Text strong>{t('audit.after')}</Typography.Text>
                    <RecordView value={record.after} empty={t('audit.none')} />
                  </div>
                </div>
                <div className="audit-hashes mono">
                  <div>
                    {t('audit.prevHash')}: {record.prevHash ?? t('audit.none')}
                  </div>
                  <div>
                    {t('audit.hash')}: {record.hash}
                  </div>
                </div>
              </div>
            ),
          }}
          pagination={{
            current: page,
            pageSize,
            total,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (count) => t('audit.total', { total: count }),
            onChange: (nextPage, nextSize) => {
              setPage(nextSize === pageSize ? nextPage : 1);
              setPageSize(nextSize);
            },
          }}
        />
      </Card>
    </>
  );
}
