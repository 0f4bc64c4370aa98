import { ExperimentOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BacktestRequest, CommissionPreset, ModelSummary, Project } from '../../api';
import { type InputDifference, inputDifferences, previousRun } from './backtestInputs';
import { JobProgress } from './JobProgress';
import { errorText, type Failure, researchApi } from './researchApi';
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
  const [error, setError] = useState<Failure | null>(null);
  const [starting, setStarting] = useState(false);
  const [finishedId, setFinishedId] = useState<number | null>(null);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [initialCash, setInitialCash] = useState<number | null>(1_000_000);
  const [commission, setCommission] = useState<CommissionPreset>('ib-fixed');
  const [slippageBps, setSlippageBps] = useState<number | null>(5);
  const [benchmark, setBenchmark] = useState('');
  const [changes, setChanges] = useState<{ previousId: number; differences: InputDifference[] } | null>(null);
  const backtestJob = useJob((job) => {
    const id = job.status === 'succeeded' ? backtestIdOf(job) : null;
    setFinishedId(id);
    setChanges(null);
    if (id !== null) void loadChanges(id);
    onFinished();
    // The run may have trained a model first.
    if (projectId !== null) void loadModels(projectId);
  });
  const trainJob = useJob(() => {
    if (projectId !== null) void loadModels(projectId);
  });

  // The backtest records its inputs; a rerun shows what it changed against the project's run before it.
  const loadChanges = async (id: number) => {
    try {
      const { backtests } = await researchApi.backtests();
      const current = backtests.find((entry) => entry.id === id);
      const previous = previousRun(backtests, id);
      if (current && previous)
        setChanges({ previousId: previous.id, differences: inputDifferences(previous, current) });
    } catch {
      // Only the comparison is lost; the run and its report are there.
    }
  };

  const request = (): BacktestRequest => ({
    ...(initialCash !== null ? { initialCash } : {}),
    ...(slippageBps !== null ? { slippageBps } : {}),
    commission,
    ...(range?.[0] ? { start: range[0].format('YYYY-MM-DD') } : {}),
    ...(range?.[1] ? { end: range[1].format('YYYY-MM-DD') } : {}),
    ...(benchmark.trim() !== '' ? { benchmark: benchmark.trim().toUpperCase() } : {}),
  });

  const loadModels = async (id: number) => {
    setModels(null);
    try {
      const answer = await researchApi.models(id);
      setModels(answer.models);
    } catch (failure) {
      setError({ reason: failure });
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
      const started = await researchApi.runBacktest(projectId, request());
      backtestJob.track(started.job);
    } catch (failure) {
      setError({ reason: failure });
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
      setError({ reason: failure });
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
          <Space wrap align="start" data-testid="run-inputs">
            <Space orientation="vertical" size={2}>
              <Typography.Text type="secondary">{t('reports.run.inputs.range')}</Typography.Text>
              <DatePicker.RangePicker
                value={range}
                onChange={(value) => setRange(value)}
                allowEmpty={[true, true]}
                disabled={busy}
                placeholder={[t('reports.run.inputs.rangeHint'), t('reports.run.inputs.rangeHint')]}
                data-testid="run-range"
              />
            </Space>
            <Space orientation="vertical" size={2}>
              <Typography.Text type="secondary">{t('reports.run.inputs.initialCash')}</Typography.Text>
              <InputNumber
                min={1}
                max={1e12}
                step={100_000}
                value={initialCash}
                onChange={setInitialCash}
                disabled={busy}
                style={{ width: 160 }}
                data-testid="run-initial-cash"
              />
            </Space>
            <Space orientation="vertical" size={2}>
              <Typography.Text type="secondary">{t('reports.run.inputs.commission')}</Typography.Text>
              <Select
                value={commission}
                onChange={setCommission}
                disabled={busy}
                style={{ minWidth: 150 }}
                data-testid="run-commission"
                options={(['ib-fixed', 'ib-tiered', 'zero'] as const).map((value) => ({
                  value,
                  label: t(`reports.run.inputs.commissions.${value}`),
                }))}
              />
            </Space>
            <Space orientation="vertical" size={2}>
              <Typography.Text type="secondary">{t('reports.run.inputs.slippageBps')}</Typography.Text>
              <InputNumber
                min={0}
                max={1000}
                value={slippageBps}
                onChange={setSlippageBps}
                disabled={busy}
                style={{ width: 110 }}
                data-testid="run-slippage"
              />
            </Space>
            <Space orientation="vertical" size={2}>
              <Typography.Text type="secondary">{t('reports.run.inputs.benchmark')}</Typography.Text>
              <Input
                value={benchmark}
                onChange={(event) => setBenchmark(event.target.value)}
                placeholder={t('reports.run.inputs.benchmarkHint')}
                disabled={busy}
                style={{ width: 200 }}
                data-testid="run-benchmark"
              />
            </Space>
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
            <Alert
              type="error"
              showIcon
              title={t('common.requestFailed', { message: errorText(error.reason) })}
            />
          ) : null}
          {trainJob.job ? <JobProgress job={trainJob.job} testId="train-job" /> : null}
          {backtestJob.job ? <JobProgress job={backtestJob.job} testId="backtest-job" /> : null}
          {finishedId !== null ? (
            <Alert
              type="success"
              showIcon
              data-testid="run-done"
              title={t('reports.run.done', { id: finishedId })}
              description={
                changes === null ? null : changes.differences.length === 0 ? (
                  <span data-testid="run-changes">
                    {t('reports.run.sameInputs', { id: changes.previousId })}
                  </span>
                ) : (
                  <div data-testid="run-changes">
                    {t('reports.run.differs', { id: changes.previousId })}
                    <ul className="compact-list">
                      {changes.differences.map((difference) => (
                        <li key={difference.field}>
                          {t('reports.run.diffLine', {
                            field: t(`reports.run.fields.${difference.field}`),
                            before: difference.before,
                            after: difference.after,
                          })}
                        </li>
                      ))}
                    </ul>
                  </div>
                )
              }
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
