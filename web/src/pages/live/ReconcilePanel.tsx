import { SyncOutlined } from '@ant-design/icons';
import { Alert, App, Button, Empty, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReconciliationRecord, ReconciliationSummary } from '../../api';
import type { Failure } from '../../components';
import { renderMessage } from '../../i18n/messages';
import { ReconcileDetails } from './details';
import { liveApi } from './live-api';
import {
  byNumber,
  byText,
  errorText,
  failure,
  formatTime,
  isReadOnlyReplica,
  type Loadable,
  PANEL_STYLE,
} from './model';

const SUMMARY_KEYS: ReadonlyArray<keyof ReconciliationSummary> = [
  'brokerOpen',
  'brokerCompleted',
  'executions',
  'updated',
  'adopted',
  'foreign',
  'fillsRecovered',
  'released',
  'missing',
  'positionDiffs',
];

/** Keys whose non-zero count needs a person to look. */
const ATTENTION: ReadonlySet<keyof ReconciliationSummary> = new Set(['foreign', 'missing', 'positionDiffs']);

/** Differences a person must look at: a reconciliation with any is a warning, never a green "OK". */
/** Why a reconciliation failed, in the UI language when the server catalogued it (e.g. IB refused). */
function reconcileError(r: Pick<ReconciliationRecord, 'error' | 'errorText'>): string | null {
  return r.errorText ? renderMessage(r.errorText) : r.error;
}

/**
 * Why the last "reconcile now" did not succeed, kept untranslated so its text follows a language
 * switch: this replica is read-only, the request was refused, or the reconciliation itself failed.
 */
type ReconcileProblem =
  | { kind: 'readOnly' }
  | ({ kind: 'refused' } & Failure)
  | { kind: 'failedRecord'; record: Pick<ReconciliationRecord, 'error' | 'errorText'> };

function differencesOf(summary: Partial<ReconciliationSummary>): number {
  return [...ATTENTION].reduce((sum, key) => sum + (summary[key] ?? 0), 0);
}

/** "Reconcile now" and the stored results (startup, after reconnects, manual). */
export function ReconcilePanel({ canTrade, onDone }: { canTrade: boolean; onDone(): void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [state, setState] = useState<Loadable<ReconciliationRecord[]>>({ kind: 'loading' });
  const [running, setRunning] = useState(false);
  const [lastError, setLastError] = useState<ReconcileProblem | null>(null);

  const load = useCallback(() => {
    liveApi
      .reconciliations()
      .then((answer) => setState({ kind: 'ready', data: answer.reconciliations }))
      .catch((error: unknown) => setState(failure(error)));
  }, []);
  useEffect(load, [load]);

  const reconcile = () => {
    setRunning(true);
    setLastError(null);
    liveApi
      .reconcile()
      .then((answer) => {
        const ok = answer.reconciliation.status === 'ok';
        const differences = differencesOf(answer.reconciliation.summary);
        if (ok && differences > 0)
          message.warning(t('liveTrading.reconcile.doneWithDifferences', { count: differences }));
        else if (ok) message.success(t('liveTrading.reconcile.done'));
        else setLastError({ kind: 'failedRecord', record: answer.reconciliation });
        load();
        onDone();
      })
      .catch((error: unknown) =>
        setLastError(isReadOnlyReplica(error) ? { kind: 'readOnly' } : { kind: 'refused', reason: error }),
      )
      .finally(() => setRunning(false));
  };

  const problemText = (problem: ReconcileProblem): string => {
    if (problem.kind === 'readOnly') return t('liveTrading.reconcile.readOnly');
    if (problem.kind === 'refused') return errorText(problem.reason);
    return reconcileError(problem.record) ?? t('liveTrading.reconcile.failedStatus');
  };

  const columns: ColumnsType<ReconciliationRecord> = [
    { title: 'ID', dataIndex: 'id', sorter: byNumber((r) => r.id), defaultSortOrder: 'descend' },
    {
      title: t('liveTrading.reconcile.time'),
      sorter: byText((r) => r.time),
      render: (_: unknown, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatTime(r.time)}</span>,
    },
    {
      title: t('liveTrading.reconcile.reason'),
      dataIndex: 'reason',
      render: (reason: string) => (
        <Tag>
          {i18n.exists(`liveTrading.reconcile.reasons.${reason}`)
            ? t(`liveTrading.reconcile.reasons.${reason}` as 'liveTrading.reconcile.reasons.manual')
            : reason}
        </Tag>
      ),
    },
    {
      title: t('liveTrading.reconcile.status'),
      render: (_: unknown, r) => {
        if (r.status !== 'ok') return <Tag color="error">{t('liveTrading.reconcile.failed')}</Tag>;
        return differencesOf(r.summary) > 0 ? (
          <Tag color="warning">{t('liveTrading.reconcile.differences')}</Tag>
        ) : (
          <Tag color="success">{t('liveTrading.reconcile.ok')}</Tag>
        );
      },
    },
    {
      title: t('liveTrading.reconcile.summary'),
      render: (_: unknown, r) => (
        <Space size={[4, 4]} wrap>
          {SUMMARY_KEYS.map((key) => {
            const count = r.summary[key] ?? 0;
            return (
              <Tag key={key} color={ATTENTION.has(key) && count > 0 ? 'warning' : undefined}>
                {t(`liveTrading.reconcile.keys.${key}`)}: {count}
              </Tag>
            );
          })}
        </Space>
      ),
    },
    {
      title: t('liveTrading.reconcile.holder'),
      render: (_: unknown, r) => (
        <span className="mono">
          {r.holder} #{r.leaseToken}
        </span>
      ),
    },
    {
      title: t('liveTrading.reconcile.error'),
      render: (_: unknown, r) => {
        const text = reconcileError(r);
        return text ? <Typography.Text type="danger">{text}</Typography.Text> : '—';
      },
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={PANEL_STYLE}>
      <Space wrap>
        <Button
          type="primary"
          icon={<SyncOutlined spin={running} />}
          loading={running}
          disabled={!canTrade}
          onClick={reconcile}
          data-testid="live-reconcile"
        >
          {t('liveTrading.reconcile.now')}
        </Button>
        {canTrade ? null : (
          <Typography.Text type="secondary">{t('liveTrading.reconcile.readOnly')}</Typography.Text>
        )}
      </Space>
      {lastError ? (
        <Alert
          type="error"
          showIcon
          title={t('liveTrading.reconcile.actionFailed', { message: problemText(lastError) })}
        />
      ) : null}
      {state.kind === 'loading' ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : null}
      {state.kind === 'failed' || state.kind === 'unavailable' ? (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed', {
            message: state.kind === 'failed' ? errorText(state.reason) : '503',
          })}
        />
      ) : null}
      {state.kind === 'ready' ? (
        <Table<ReconciliationRecord>
          data-testid="live-reconciliations"
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={state.data}
          pagination={false}
          locale={{ emptyText: <Empty description={t('liveTrading.reconcile.empty')} /> }}
          expandable={{
            expandedRowRender: (r) => <ReconcileDetails details={r.details} />,
          }}
        />
      ) : null}
    </Space>
  );
}
