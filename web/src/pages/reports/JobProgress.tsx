import { StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, type ButtonProps, Popconfirm, Progress, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { renderMessage } from '../../i18n/messages';
import { errorText, researchApi } from './researchApi';
import { isFinished, type JobView } from './useJob';

/**
 * One job's progress bar with its latest message and, while it is queued or running, a cancel button.
 * Failure shows the job's error; a cancelled job keeps its bar where it stopped, tagged cancelled.
 */
export function JobProgress({ job, testId }: { job: JobView; testId: string }) {
  const { t } = useTranslation();
  const percent = Math.round(Math.min(1, Math.max(0, job.progress)) * 100);
  if (job.status === 'failed') {
    return (
      <Alert
        data-testid={testId}
        data-status="failed"
        type="error"
        showIcon
        title={t('reports.jobs.failed', { id: job.id })}
        description={failureText(job)}
      />
    );
  }
  if (job.status === 'cancelled') {
    return (
      <div data-testid={testId} data-status="cancelled">
        <Space size={8} className="job-line">
          <Tag color="warning" data-testid={`${testId}-status`}>
            {t('reports.jobs.status.cancelled')}
          </Tag>
          <Typography.Text type="secondary">
            {t('reports.jobs.id', { id: job.id })} · {jobText(job)}
          </Typography.Text>
        </Space>
        <Progress percent={percent} status="normal" strokeColor="#faad14" />
      </div>
    );
  }
  return (
    <div data-testid={testId} data-status={job.status}>
      <Space size={8} className="job-line">
        <Typography.Text strong>{t(`reports.jobs.status.${job.status}`)}</Typography.Text>
        <Typography.Text type="secondary">
          {t('reports.jobs.id', { id: job.id })} · {jobText(job)}
        </Typography.Text>
        {isFinished(job.status) ? null : <CancelJobButton jobId={job.id} testId={`${testId}-cancel`} />}
      </Space>
      <Progress
        percent={job.status === 'succeeded' ? 100 : percent}
        status={job.status === 'succeeded' ? 'success' : 'active'}
      />
    </div>
  );
}

/**
 * Why a job failed: the server's catalogued reason in the UI language when it gave one (e.g. IB
 * refused), else its error as written (a bare "failed" would say less).
 */
function failureText(job: JobView): string {
  if (job.text && job.text.code !== 'JOB_FAILED') return renderMessage(job.text);
  return job.error ?? jobText(job);
}

/** The job's latest message in the UI language (plain notes such as "MSFT 2024-01-02..2024-01-05" as they are). */
export function jobText(job: Pick<JobView, 'message' | 'text'>): string {
  return job.text ? renderMessage(job.text) : job.message;
}

/**
 * Asks the server to cancel; the new state arrives through the job's own `job.progress` event (and
 * the poll behind it), so the button only has to wait for the answer.
 */
function CancelJobButton({ jobId, testId }: { jobId: number; testId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const cancel = async () => {
    setBusy(true);
    try {
      await researchApi.cancelJob(jobId);
    } catch (error) {
      message.error(t('reports.jobs.cancelFailed', { message: errorText(error) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popconfirm
      title={t('reports.jobs.cancelConfirm', { id: jobId })}
      description={t('reports.jobs.cancelDetail')}
      okText={t('reports.jobs.cancelOk')}
      okButtonProps={{ danger: true, 'data-testid': `${testId}-confirm` } as ButtonProps}
      cancelText={t('reports.jobs.cancelKeep')}
      onConfirm={cancel}
    >
      <Button size="small" danger icon={<StopOutlined />} loading={busy} data-testid={testId}>
        {t('reports.jobs.cancel')}
      </Button>
    </Popconfirm>
  );
}
