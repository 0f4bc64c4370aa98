import { ExperimentOutlined, PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
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
  Typography,
} from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { missedReasonText } from '../../../../src/contract/alert-texts';
import { errorText, type Failure } from '../../components/errorText';
import { useTradingStatus } from '../../events';
import { currentLanguage } from '../../i18n';
import { renderMessage } from '../../i18n/messages';
import { STATUS_COLOR, time } from './format';
import { type PipelineRunView, pipelineApi, type ScheduleResponse } from './pipeline-api';
import { ReportView } from './ReportView';
import { StepTimeline } from './StepTimeline';

/** Runs move without events of their own: re-read the history this often while the panel is open. */
const REFRESH_EVERY_MS = 3_000;

/**
 * Why a run ended without success, in the UI language: why it was missed (its code), or its failed
 * step's catalogued message.
 */
function RunProblem({ run }: { run: PipelineRunView }) {
  const { t } = useTranslation();
  if (run.status === 'MISSED')
    return (
      <span data-testid={`pipeline-missed-reason-${run.id}`}>
        {run.missedReason
          ? missedReasonText(run.missedReason, currentLanguage())
          : t('pipeline.missedReason')}
      </span>
    );
  const failed = run.steps.find((s) => s.status === 'FAILED' && s.errorText);
  if (failed?.errorText)
    return (
      <span>
        {t(`pipeline.steps.${failed.name}`)}: {renderMessage(failed.errorText)}
      </span>
    );
  if (run.status === 'FAILED' || run.status === 'STOOD_STILL')
    return <span>{t('pipeline.failedNoDetail')}</span>;
  return null;
}

/** Where a run stands: waiting for the market says when it will trade, instead of a bare status. */
function RunState({ run }: { run: PipelineRunView }) {
  const { t } = useTranslation();
  return (
    <Space wrap data-testid={`pipeline-run-status-${run.id}`}>
      <Tag color={STATUS_COLOR[run.status]}>{t(`pipeline.runStatus.${run.status}`)}</Tag>
      {run.status === 'WAITING' ? (
        <Typography.Text type="secondary">
          {t('pipeline.waitsUntil', { time: time(run.notBefore) })}
        </Typography.Text>
      ) : null}
      {run.dryRun ? <Tag>{t('pipeline.dryRunTag')}</Tag> : null}
      {run.fallback ? (
        <Tag color="warning">
          {t(`pipeline.fallbackUsed.${run.fallback}`, { defaultValue: run.fallback })}
        </Tag>
      ) : null}
    </Space>
  );
}

/**
 * The weekly pipeline of a project: the schedule with its next fire times (pause and resume with a
 * reason, audited), Run now (立即执行; paper: one confirmation, live: the account id typed again), a
 * dry run, and the run history, each run as a timeline of its steps with its post-trade report.
 */
export function PipelinePanel({ projectId }: { projectId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { status } = useTradingStatus();
  const live = status?.mode === 'live';
  const [runs, setRuns] = useState<PipelineRunView[]>([]);
  const [schedule, setSchedule] = useState<ScheduleResponse | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<{ text: string; waiting: boolean } | null>(null);
  const [typing, setTyping] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [pausing, setPausing] = useState(false);
  const [reason, setReason] = useState('');
  const [expanded, setExpanded] = useState<readonly number[]>([]);
  const [nowMs, setNowMs] = useState(() => Date.now());

  const refresh = useCallback(() => {
    Promise.all([pipelineApi.runs(projectId), pipelineApi.schedule(projectId)])
      .then(([list, view]) => {
        setRuns(list.runs);
        setSchedule(view);
        setError(null);
        setNowMs(Date.now());
      })
      .catch((reason: unknown) => setError({ reason }));
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
      const waiting = answer.marketClosed && !dryRun;
      setNotice({
        waiting,
        text: waiting
          ? t('pipeline.marketClosed', { time: time(answer.tradesAt) })
          : answer.joined
            ? t('pipeline.joined', { id: answer.run.id })
            : t('pipeline.started', { id: answer.run.id }),
      });
      setExpanded([answer.run.id]);
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
      setSchedule(await pipelineApi.setPaused(projectId, !schedule.paused, reason.trim()));
      setPausing(false);
      setReason('');
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
      {error ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(error.reason) })} />
      ) : null}
      <Space wrap style={{ marginBottom: 12 }}>
        {live ? (
          runButton(() => setTyping(true))
        ) : (
          <Popconfirm
            title={t('pipeline.confirmPaper')}
            onConfirm={() => void start(false)}
            okText={t('pipeline.runNow')}
            okButtonProps={{ 'data-testid': 'pipeline-run-now-confirm' }}
          >
            {runButton()}
          </Popconfirm>
        )}
        <Popconfirm
          title={t('pipeline.confirmDry')}
          onConfirm={() => void start(true)}
          okText={t('pipeline.dryRun')}
          okButtonProps={{ 'data-testid': 'pipeline-dry-run-confirm' }}
        >
          <Button icon={<ExperimentOutlined />} data-testid="pipeline-dry-run" loading={busy}>
            {t('pipeline.dryRun')}
          </Button>
        </Popconfirm>
        {schedule ? (
          <Button
            icon={<PauseCircleOutlined />}
            onClick={() => setPausing(true)}
            data-testid="pipeline-pause"
          >
            {schedule.paused ? t('pipeline.resume') : t('pipeline.pause')}
          </Button>
        ) : null}
      </Space>
      {notice ? (
        <Alert
          type={notice.waiting ? 'warning' : 'info'}
          showIcon
          closable
          title={notice.text}
          data-testid="pipeline-notice"
          onClose={() => setNotice(null)}
          style={{ marginBottom: 12 }}
        />
      ) : null}
      {schedule ? (
        <Descriptions size="small" column={1} data-testid="pipeline-schedule">
          <Descriptions.Item label={t('pipeline.schedule')}>
            {schedule.paused ? (
              <Tag color="warning" data-testid="pipeline-paused">
                {t('pipeline.paused')}
                {schedule.reason ? `: ${schedule.reason}` : ''}
              </Tag>
            ) : null}
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
        <Table<PipelineRunView>
          size="small"
          rowKey="id"
          data-testid="pipeline-runs"
          dataSource={runs}
          pagination={false}
          expandable={{
            expandedRowKeys: expanded,
            onExpandedRowsChange: (keys) => setExpanded(keys as number[]),
            expandedRowRender: (run) => (
              <>
                <StepTimeline run={run} nowMs={nowMs} />
                {run.report ? <ReportView report={run.report} /> : null}
              </>
            ),
          }}
          columns={[
            { title: t('pipeline.col.run'), dataIndex: 'id', render: (id: number) => `#${id}` },
            { title: t('pipeline.col.date'), dataIndex: 'tradingDate' },
            { title: t('pipeline.col.status'), render: (_: unknown, run) => <RunState run={run} /> },
            {
              title: t('pipeline.col.trigger'),
              render: (_: unknown, run) => t(`pipeline.trigger.${run.trigger}`),
            },
            {
              title: t('pipeline.col.tradesAt'),
              render: (_: unknown, run) =>
                run.status === 'WAITING' ? time(run.notBefore) : time(run.startedAt),
            },
            { title: t('pipeline.col.error'), render: (_: unknown, run) => <RunProblem run={run} /> },
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
      <Modal
        open={pausing}
        title={schedule?.paused ? t('pipeline.resumeTitle') : t('pipeline.pauseTitle')}
        okText={schedule?.paused ? t('pipeline.resume') : t('pipeline.pause')}
        okButtonProps={{ disabled: reason.trim().length < 3, 'data-testid': 'pipeline-pause-confirm' }}
        onOk={() => void togglePause()}
        onCancel={() => setPausing(false)}
      >
        <Typography.Paragraph>{t('pipeline.pauseWhy')}</Typography.Paragraph>
        <Input.TextArea
          value={reason}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
          data-testid="pipeline-pause-reason"
        />
      </Modal>
    </div>
  );
}
