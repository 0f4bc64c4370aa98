import { Alert, Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JobView } from './useJob';

/** One job's progress bar with its latest message; failure shows the job's error. */
export function JobProgress({ job, testId }: { job: JobView; testId: string }) {
  const { t } = useTranslation();
  if (job.status === 'failed') {
    return (
      <Alert
        data-testid={testId}
        data-status="failed"
        type="error"
        showIcon
        title={t('reports.jobs.failed', { id: job.id })}
        description={job.error ?? job.message}
      />
    );
  }
  const percent = Math.round(Math.min(1, Math.max(0, job.progress)) * 100);
  return (
    <div data-testid={testId} data-status={job.status}>
      <Space size={8} className="job-line">
        <Typography.Text strong>{t(`reports.jobs.status.${job.status}`)}</Typography.Text>
        <Typography.Text type="secondary">
          {t('reports.jobs.id', { id: job.id })} · {job.message}
        </Typography.Text>
      </Space>
      <Progress
        percent={job.status === 'succeeded' ? 100 : percent}
        status={job.status === 'succeeded' ? 'success' : 'active'}
      />
    </div>
  );
}
