import { CheckCircleTwoTone, CloseCircleTwoTone, PlayCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Empty,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../components/errorText';
import { useTradingStatus } from '../../events';
import {
  type PipelineRunView,
  type PipelineStepView,
  pipelineApi,
  type ScheduleResponse,
} from './pipeline-api';

/** Runs move without events of their own: re-read the history this often while the panel is open. */
const REFRESH_EVERY_MS = 3_000;

const STATUS_COLOR: Record<string, string> = {
  WAITING: 'default',
  RUNNING: 'processing',
  SUCCEEDED: 'success',
  FAILED: 'error',
  STOOD_STILL: 'warning',
  MISSED: 'error',
  PENDING: 'default',
  SKIPPED: 'default',
};

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '-');

function duration(step: PipelineStepView): string {
  if (!step.startedAt || !step.endedAt) return '';
  const ms = Date.parse(step.endedAt) - Date.parse(step.startedAt);
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

interface ChecklistItem {
  id: string;
  ok: boolean;
  required: boolean;
  numbers: Record<string, unknown>;
}

function Checklist({ items }: { items: ChecklistItem[] }) {
  const { t } = useTranslation();
  return (
    <ul className="pipeline-checklist" data-testid="pipeline-checklist">
      {items.map((item) => (
        <li key={item.id}>
          {item.ok ? (
            <CheckCircleTwoTone twoToneColor="#52c41a" />
          ) : (
            <CloseCircleTwoTone twoToneColor="#ff4d4f" />
          )}{' '}
          {t(`pipeline.check.${item.id}`, { defaultValue: item.id })}{' '}
          <Typography.Text type="secondary" className="mono">
            {Object.entries(item.numbers)
              .filter(([, v]) => v !== null && v !== '')
              .map(([k, v]) => `${k}=${String(v)}`)
              .join(' ')}
          </Typography.Text>
        </li>
      ))}
    </ul>
  );
}

function StepTimeline({ run }: { run: PipelineRunView }) {
  const { t } = useTranslation();
  return (
    <Timeline
      data-testid="pipeline-timeline"
      items={run.steps.map((step) => {
        const items = step.evidence?.items as ChecklistItem[] | undefined;
        const orders = step.evidence?.orders;
        return {
          color: step.status === 'SUCCEEDED' ? 'green' : step.status === 'FAILED' ? 'red' : 'gray',
          children: (
            <div data-testid={`pipeline-step-${step.name}`}>
              <Space wrap>
                <strong>{t(`pipeline.steps.${step.name}`)}</strong>
                <Tag color={STATUS_COLOR[step.status]}>{t(`pipeline.stepStatus.${step.status}`)}</Tag>
                {step.attempts > 1 ? <span>{t('pipeline.attempts', { count: step.attempts })}</span> : null}
                <Typography.Text type="secondary">{duration(step)}</Typography.Text>
              </Space>
              {step.error ? <Typography.Paragraph type="danger">{step.error}</Typography.Paragraph> : null}
              {items ? <Checklist items={items} /> : null}
              {Array.isArray(orders) && step.name === 'plan' ? (
                <Table
                  size="small"
                  rowKey="symbol"
                  pagination={false}
                  dataSource={
                    orders as Array<{ symbol: string; side: string; quantity: number; price: number }>
                  }
                  columns={[
                    { title: t('pipeline.order.symbol'), dataIndex: 'symbol' },
                    { title: t('pipeline.order.side'), dataIndex: 'side' },
                    { title: t('pipeline.order.quantity'), dataIndex: 'quantity' },
                    { title: t('pipeline.order.price'), dataIndex: 'price' },
                  ]}
                />
              ) : null}
            </div>
          ),
        };
      })}
    />
  );
}

function ReportView({ report }: { report: Record<string, unknown> }) {
  const { t } = useTranslation();
  const symbols = (report.symbols ?? []) as Array<Record<string, number | string | null>>;
  return (
    <div data-testid="pipeline-report">
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('pipeline.report.orders')}>
          {String(report.orders ?? 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.filled')}>
          {String(report.filledOrders ?? 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.leftovers')}>
          {String(report.leftoverOrders ?? 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.commissions')}>
          {String(report.commissions ?? 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.turnover')}>
          {String(report.turnover ?? 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.slippage')}>
          {String(report.slippageVsArrivalBps ?? '-')} / {String(report.slippageVsDecisionBps ?? '-')}
        </Descriptions.Item>
      </Descriptions>
      <Table
        size="small"
        rowKey="symbol"
        pagination={false}
        dataSource={symbols}
        columns={[
          { title: t('pipeline.order.symbol'), dataIndex: 'symbol' },
          { title: t('pipeline.report.targetShares'), dataIndex: 'targetShares' },
          { title: t('pipeline.report.filledShares'), dataIndex: 'filledShares' },
          { title: t('pipeline.report.targetWeight'), dataIndex: 'targetWeight' },
          { title: t('pipeline.report.filledWeight'), dataIndex: 'filledWeight' },
          { title: t('pipeline.report.slippageBps'), dataIndex: 'slippageVsArrivalBps' },
        ]}
      />
    </div>
  );
}

/**
 * The weekly pipeline of a project: the schedule with its next fire times, Run now (立即执行; paper:
 * one confirmation, live: the account id typed again), a dry run, and each run as a timeline of steps.
 */
export function PipelinePanel({ projectId }: { projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { status } = useTradingStatus();
  const live = status?.mode === 'live';
  const [runs, setRuns] = useState<PipelineRunView[]>([]);
  const [schedule, setSchedule] = useState<ScheduleResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(() => {
    Promise.all([pipelineApi.runs(projectId), pipelineApi.schedule(projectId)])
      .then(([list, view]) => {
        setRuns(list.runs);
        setSchedule(view);
        setError(null);
      })
      .catch((reason: unknown) => setError(errorText(reason)));
  }, [projectId]);

  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, REFRESH_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);

  const start = async (dryRun: boolean, confirmLive?: string) => {
    setBusy(true);
    try {
      const answer = await pipelineApi.runNow({ projectId, dryRun, ...(confirmLive ? { confirmLive } : {}) });
      setNotice(
        answer.marketClosed
          ? t('pipeline.marketClosed', { time: time(answer.tradesAt) })
          : answer.joined
            ? t('pipeline.joined', { id: answer.run.id })
            : t('pipeline.started', { id: answer.run.id }),
      );
      setTyping(false);
      setTyped('');
      refresh();
    } catch (reason) {
      void message.error(errorText(reason));
    } finally {
      setBusy(false);
    }
  };

  const togglePause = async () => {
    if (!schedule) return;
    try {
      setSchedule(await pipelineApi.setPaused(projectId, !schedule.paused, t('pipeline.pauseReason')));
    } catch (reason) {
      void message.error(errorText(reason));
    }
  };

  const runButton = (onClick?: () => void) => (
    <Button
      onClick={onClick}
      type="primary"
      icon={<PlayCircleOutlined />}
      loading={busy}
      data-testid="pipeline-run-now"
    >
      {t('pipeline.runNow')}
    </Button>
  );

  return (
    <div data-testid="pipeline-panel">
      {error ? <Alert type="error" showIcon title={t('common.loadFailed', { message: error })} /> : null}
      <Space wrap style={{ marginBottom: 12 }}>
        {live ? (
          runButton(() => setTyping(true))
        ) : (
          <Popconfirm
            title={t('pipeline.confirmPaper')}
            onConfirm={() => void start(false)}
            okText={t('pipeline.runNow')}
          >
            {runButton()}
          </Popconfirm>
        )}
        <Button onClick={() => void start(true)} data-testid="pipeline-dry-run" loading={busy}>
          {t('pipeline.dryRun')}
        </Button>
        {schedule ? (
          <Button onClick={() => void togglePause()} data-testid="pipeline-pause">
            {schedule.paused ? t('pipeline.resume') : t('pipeline.pause')}
          </Button>
        ) : null}
      </Space>
      {notice ? (
        <Alert
          type="info"
          showIcon
          closable
          title={notice}
          data-testid="pipeline-notice"
          onClose={() => setNotice(null)}
        />
      ) : null}
      {schedule ? (
        <Descriptions size="small" column={1} data-testid="pipeline-schedule">
          <Descriptions.Item label={t('pipeline.schedule')}>
            {schedule.paused ? <Tag color="warning">{t('pipeline.paused')}</Tag> : null}
            {schedule.next.map((w) => (
              <Tag key={w.tradingDate}>
                {time(w.fireAt)}
                {w.earlyClose ? ` (${t('pipeline.earlyClose')})` : ''}
              </Tag>
            ))}
          </Descriptions.Item>
        </Descriptions>
      ) : null}
      {runs.length === 0 ? (
        <Empty description={t('pipeline.noRuns')} />
      ) : (
        <Table
          size="small"
          rowKey="id"
          data-testid="pipeline-runs"
          dataSource={runs}
          pagination={false}
          expandable={{
            expandedRowRender: (run) => (
              <>
                <StepTimeline run={run} />
                {run.report ? <ReportView report={run.report} /> : null}
              </>
            ),
          }}
          columns={[
            { title: t('pipeline.col.date'), dataIndex: 'tradingDate' },
            {
              title: t('pipeline.col.status'),
              render: (_: unknown, run: PipelineRunView) => (
                <Space>
                  <Tag color={STATUS_COLOR[run.status]}>{t(`pipeline.runStatus.${run.status}`)}</Tag>
                  {run.dryRun ? <Tag>{t('pipeline.dryRunTag')}</Tag> : null}
                  {run.fallback ? (
                    <Tag color="warning">{t('pipeline.fallback', { policy: run.fallback })}</Tag>
                  ) : null}
                </Space>
              ),
            },
            {
              title: t('pipeline.col.trigger'),
              render: (_: unknown, run: PipelineRunView) => t(`pipeline.trigger.${run.trigger}`),
            },
            {
              title: t('pipeline.col.tradesAt'),
              render: (_: unknown, run: PipelineRunView) =>
                run.status === 'WAITING' ? time(run.notBefore) : time(run.startedAt),
            },
            { title: t('pipeline.col.error'), dataIndex: 'error' },
          ]}
        />
      )}
      <Modal
        open={typing}
        title={t('pipeline.confirmLiveTitle')}
        okText={t('pipeline.runNow')}
        okButtonProps={{ disabled: typed.trim() === '', danger: true }}
        onOk={() => void start(false, typed.trim())}
        onCancel={() => setTyping(false)}
      >
        <Typography.Paragraph>{t('pipeline.confirmLive')}</Typography.Paragraph>
        <Input value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="pipeline-confirm-live" />
      </Modal>
    </div>
  );
}
