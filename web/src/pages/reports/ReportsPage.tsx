import { Alert } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ApiError, api, type BacktestSummary, type Project } from '../../api';
import { PageHeader, SyntheticDataNotice } from '../../components';
import { useServerEvent } from '../../events';
import { BacktestList } from './BacktestList';
import { CompareView } from './CompareView';
import { ReportView } from './ReportView';
import { RunBacktestCard } from './RunBacktestCard';
import { errorText, type Failure, researchApi } from './researchApi';
import { SweepsCard } from './SweepsCard';
import './research.css';

function parseIds(text: string | null): number[] {
  if (!text) return [];
  return [...new Set(text.split(',').map(Number))].filter((id) => Number.isInteger(id) && id > 0);
}

/**
 * Backtests & Reports. What is shown lives in the address (`?report=7`, `?compare=3,7`), so a report
 * can be bookmarked or shared and the browser's back button works.
 */
export function ReportsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [projects, setProjects] = useState<Project[]>([]);
  const [backtests, setBacktests] = useState<BacktestSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<({ unavailable: boolean } & Failure) | null>(null);

  const reload = useCallback(() => {
    setLoading(true);
    Promise.all([api.listProjects(), researchApi.backtests()])
      .then(([projectAnswer, backtestAnswer]) => {
        setProjects(projectAnswer.projects);
        setBacktests(backtestAnswer.backtests);
        setLoadError(null);
      })
      .catch((error: unknown) =>
        setLoadError({
          unavailable: error instanceof ApiError && error.status === 503,
          reason: error,
        }),
      )
      .finally(() => setLoading(false));
  }, []);

  useEffect(reload, [reload]);
  useServerEvent('hello', reload);

  const names = useMemo(() => new Map(projects.map((project) => [project.id, project.name])), [projects]);
  const projectName = useCallback(
    (id: number | null) => (id === null ? t('reports.list.noProject') : (names.get(id) ?? `#${id}`)),
    [names, t],
  );
  const projectOptions = useMemo(
    () => projects.map((project) => ({ value: project.id, label: project.name })),
    [projects],
  );

  const reportId = Number(params.get('report'));
  const compareIds = parseIds(params.get('compare'));
  const backToList = () => setParams({});

  let body: React.ReactNode;
  if (Number.isInteger(reportId) && reportId > 0) {
    body = <ReportView id={reportId} projectName={projectName} onBack={backToList} />;
  } else if (compareIds.length > 0) {
    body = <CompareView ids={compareIds} projectName={projectName} onBack={backToList} />;
  } else {
    body = (
      <>
        <RunBacktestCard
          projects={projects}
          onFinished={reload}
          onOpen={(id) => setParams({ report: String(id) })}
        />
        <BacktestList
          backtests={backtests}
          loading={loading}
          projectName={projectName}
          projectOptions={projectOptions}
          onReload={reload}
          onOpen={(id) => setParams({ report: String(id) })}
          onCompare={(ids) => setParams({ compare: ids.join(',') })}
        />
        <SweepsCard projects={projects} />
      </>
    );
  }

  return (
    <>
      <PageHeader title={t('reports.title')} subtitle={t('reports.subtitle')} />
      <SyntheticDataNotice />
      {loadError ? (
        <Alert
          className="page-notice"
          type={loadError.unavailable ? 'warning' : 'error'}
          showIcon
          title={
            loadError.unavailable
              ? t('reports.unavailable')
              : t('common.loadFailed', { message: errorText(loadError.reason) })
          }
        />
      ) : null}
      {body}
    </>
  );
}
