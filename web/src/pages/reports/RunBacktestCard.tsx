import { ExperimentOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelSummary, Project } from '../../api';
import { JobProgress } from './JobProgress';
import { errorText, researchApi } from './researchApi';
import { isFinished, type JobView, useJob } from './useJob';

function backtestIdOf(job: JobView): number | null {
  const result = job.result;
  if (typeof result === 'object' && result !== null && 'backtestId' in result) {
    const id = (result as { backtestId: unknown }).backtestId;
    return typeof id === 'number' ? id : null;
  }
  return null;
}

/**
 * Starts a backtest of a project. The server trains a model first when the project has none for its
 * current parameters; the card says so beforehand and the job's messages show the stages.
 */
export function RunBacktestCard({
  projects,
  onFinished,
  onOpen,
}: {
  projects: readonly Project[];
  onFinished: () => void;
  onOpen: (backtestId: number) => void;
}) {
  const { t } = useTranslation();
  const [projectId, setProjectId] = useState<number | null>(null);
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [finishedId, setFinishedId] = useState<number | null>(null);
  const backtestJob = useJob((job) => {
    setFinishedId(job.status === 'succeeded' ? backtestIdOf(job) : null);
    onFinished();
    // The run may have trained a model first.
    if (projectId !== null) void loadModels(projectId);
  });
  const trainJob = useJob(() => {
    if (projectId !== null) void loadModels(projectId);
  });

  const loadModels = async (id: number) => {
    setModels(null);
    try {
      const answer = await researchApi.models(id);
      setModels(answer.models);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  useEffect(() => {
    if (projectId === null && projects.length > 0) setProjectId(projects[0]?.id ?? null);
  }, [projects, projectId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: loadModels only reads the id passed in
  useEffect(() => {
    if (projectId !== null) void loadModels(projectId);
  }, [projectId]);

  // A run started earlier (or from another tab) keeps its progress bar when the page is reopened.
  const { track: trackBacktest } = backtestJob;
  const { track: trackTrain } = trainJob;
  useEffect(() => {
    if (projectId === null) return;
    let cancelled = false;
    const scope = `project:${projectId}`;
    void Promise.all([researchApi.activeJobs('backtest'), researchApi.activeJobs('train')])
      .then(([backtests, trainings]) => {
        if (cancelled) return;
        const backtest = backtests.find((job) => job.scope === scope);
        const training = trainings.find((job) => job.scope === scope);
        if (backtest) trackBacktest(backtest);
        if (training) trackTrain(training);
      })
      .catch(() => {
        // Not knowing about earlier runs only loses their progress bar.
      });
    return () => {
      cancelled = true;
    };
  }, [projectId, trackBacktest, trackTrain]);

  const project = projects.find((entry) => entry.id === projectId);
  const currentModels = models?.filter((model) => model.projectVersion === project?.currentVersion) ?? [];
  const busy =
    starting ||
    (backtestJob.job !== null && !isFinished(backtestJob.job.status)) ||
    (trainJob.job !== null && !isFinished(trainJob.job.status));

  const run = async () => {
    if (projectId === null) return;
    setStarting(true);
    setError(null);
    setFinishedId(null);
    try {
      const started = await researchApi.runBacktest(projectId);
      backtestJob.track(started.job);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setStarting(false);
    }
  };

  const train = async () => {
    if (projectId === null) return;
    setStarting(true);
    setError(null);
    try {
      const started = await researchApi.train(projectId);
      trainJob.track(started.job);
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setStarting(false);
    }
  };

  return (
    <Card variant="borderless" className="content-card section-card" title={t('reports.run.title')}>
      {projects.length === 0 ? (
        <Alert type="info" showIcon title={t('reports.run.noProjects')} />
      ) : (
        <Space orientation="vertical" size={12} className="full-width">
          <Space wrap>
            <span>{t('reports.run.project')}</span>
            <Select
              value={projectId}
              onChange={setProjectId}
              style={{ minWidth: 260 }}
              disabled={busy}
              data-testid="run-project"
              options={projects.map((entry) => ({
                value: entry.id,
                label: `${entry.name} (v${entry.currentVersion})`,
              }))}
            />
            {models === null ? null : currentModels.length > 0 ? (
              <Tag color="green" data-testid="run-model-state" data-has-model="true">
                {t('reports.run.hasModel', { family: currentModels[0]?.family ?? '' })}
              </Tag>
            ) : (
              <Tag color="gold" data-testid="run-model-state" data-has-model="false">
                {t('reports.run.noModel')}
              </Tag>
            )}
          </Space>
          {models !== null && currentModels.length === 0 ? (
            <Typography.Text type="secondary">{t('reports.run.trainFirstHint')}</Typography.Text>
          ) : null}
          <Space wrap>
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              loading={busy}
              disabled={projectId === null}
              onClick={() => void run()}
              data-testid="run-backtest"
            >
              {t('reports.run.start')}
            </Button>
            <Button
              icon={<ExperimentOutlined />}
              disabled={projectId === null || busy}
              onClick={() => void train()}
              data-testid="run-train"
            >
              {t('reports.run.train')}
            </Button>
          </Space>
          {error ? (
            <Alert type="error" showIcon title={t('common.requestFailed', { message: error })} />
          ) : null}
          {trainJob.job ? <JobProgress job={trainJob.job} testId="train-job" /> : null}
          {backtestJob.job ? <JobProgress job={backtestJob.job} testId="backtest-job" /> : null}
          {finishedId !== null ? (
            <Alert
              type="success"
              showIcon
              data-testid="run-done"
              title={t('reports.run.done', { id: finishedId })}
              action={
                <Button
                  size="small"
                  type="primary"
                  onClick={() => onOpen(finishedId)}
                  data-testid="run-open-report"
                >
                  {t('reports.run.openReport')}
                </Button>
              }
            />
          ) : null}
        </Space>
      )}
    </Card>
  );
}
