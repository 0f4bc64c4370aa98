import { Alert, Button, Card, Tabs } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, type LeaseResponse, type Project } from '../../api';
import type { Failure } from '../../components';
import { PageHeader } from '../../components';
import { useServerEvent } from '../../events';
import { SignalVersionCard } from '../decisions';
import { PipelinePanel } from '../pipeline';
import { FallbackCard } from '../risk';
import { AccountPanel } from './AccountPanel';
import { BarAuditPanel } from './BarAuditPanel';
import { ConnectionCard } from './ConnectionCard';
import { ContractsPanel } from './ContractsPanel';
import { LeaseCard } from './LeaseCard';
import { liveApi } from './live-api';
import { errorText, failure, type Loadable } from './model';
import { OrdersMonitorPanel } from './OrdersMonitorPanel';
import { QuotesPanel } from './QuotesPanel';
import { ReconcilePanel } from './ReconcilePanel';
import { RunsPanel } from './RunsPanel';
import { useIbStatus } from './useIbStatus';

/** The lease moves without an event (heartbeats, another replica taking over): re-read it this often. */
const LEASE_EVERY_MS = 10_000;

function useLease(): { state: Loadable<LeaseResponse>; refresh(): void } {
  const [state, setState] = useState<Loadable<LeaseResponse>>({ kind: 'loading' });
  const refresh = useCallback(() => {
    liveApi
      .lease()
      .then((data) => setState({ kind: 'ready', data }))
      .catch((error: unknown) => setState(failure(error)));
  }, []);
  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, LEASE_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [refresh]);
  useServerEvent('hello', refresh);
  return { state, refresh };
}

/** `?project=<id>` (from the Projects page) preselects that project everywhere on the page. */
function useProjectParam(): { project: Project | null; error: Failure | null } {
  const [searchParams] = useSearchParams();
  const projectId = Number(searchParams.get('project')) || null;
  const [project, setProject] = useState<Project | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  useEffect(() => {
    setProject(null);
    setError(null);
    if (!projectId) return;
    let current = true;
    api
      .getProject(projectId)
      .then((answer) => current && setProject(answer.project))
      .catch((reason: unknown) => current && setError({ reason }));
    return () => {
      current = false;
    };
  }, [projectId]);
  return { project, error };
}

export function LiveTradingPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const ib = useIbStatus();
  const lease = useLease();
  const { project, error: projectError } = useProjectParam();
  const universe = project ? `project:${project.id}` : null;
  const canTrade = lease.state.kind === 'ready' && lease.state.data.thisReplica !== null;

  return (
    <>
      <PageHeader title={t('menu.live')} subtitle={t('liveTrading.subtitle')} />
      {project ? (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          data-testid="live-project"
          title={t('liveTrading.forProject', { name: project.name, version: project.currentVersion })}
          action={
            <Button size="small" onClick={() => navigate(`/projects?id=${project.id}`)}>
              {t('liveTrading.backToProject')}
            </Button>
          }
        />
      ) : null}
      {projectError ? (
        <Alert
          type="error"
          showIcon
          className="page-notice"
          title={t('common.loadFailed', { message: errorText(projectError.reason) })}
        />
      ) : null}
      <ConnectionCard state={ib.state} onRefresh={ib.refresh} />
      <LeaseCard state={lease.state} />
      <SignalVersionCard project={project} />
      <FallbackCard project={project} />
      <Card variant="borderless" className="content-card">
        <Tabs
          data-testid="live-tabs"
          destroyOnHidden
          items={[
            { key: 'quotes', label: t('liveTrading.tabs.quotes'), children: <QuotesPanel /> },
            {
              key: 'runs',
              label: t('liveTrading.tabs.runs'),
              children: <RunsPanel initialProject={project?.name ?? null} canTrade={canTrade} />,
            },
            ...(project
              ? [
                  {
                    key: 'pipeline',
                    label: t('pipeline.tab'),
                    children: <PipelinePanel projectId={project.id} />,
                  },
                ]
              : []),
            { key: 'monitor', label: t('account.monitor.tab'), children: <OrdersMonitorPanel /> },
            {
              key: 'reconcile',
              label: t('liveTrading.tabs.reconcile'),
              children: <ReconcilePanel canTrade={canTrade} onDone={lease.refresh} />,
            },
            {
              key: 'contracts',
              label: t('liveTrading.tabs.contracts'),
              children: <ContractsPanel initialUniverse={universe} />,
            },
            {
              key: 'bars',
              label: t('liveTrading.tabs.bars'),
              children: <BarAuditPanel initialUniverse={universe} />,
            },
          ]}
        />
      </Card>
      {/* Below the tabs: its live updates never move the tab bar a user is about to click. */}
      <AccountPanel />
    </>
  );
}
