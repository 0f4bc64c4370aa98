import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Skeleton, Space } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, type Project, type ProjectDetail, type ThemeSummary } from '../../api';
import { errorText, PageHeader, RefreshButton, useListSelection } from '../../components';
import { ProjectList } from './ProjectList';

// The detail card loads with the first project shown, the editor (a drawer full of form controls)
// when first opened: the page's first load carries only the list.
const ProjectDetailView = lazy(() =>
  import('./ProjectDetailView').then((module) => ({ default: module.ProjectDetailView })),
);
const ProjectForm = lazy(() => import('./ProjectForm').then((module) => ({ default: module.ProjectForm })));

/** Where the project shortcut leads: the live trading page, scoped to this project. */
export function liveTradingPath(projectId: number): string {
  return `/live?project=${projectId}`;
}

interface ProjectsAndThemes {
  projects: Project[];
  /** Every theme, to name the themes a project draws its universe from. */
  themes: ThemeSummary[];
}

const projectLoaders = {
  // Projects have no search: the list is all of them.
  loadList: (): Promise<ProjectsAndThemes> =>
    Promise.all([api.listProjects(), api.listThemes()]).then(([projectAnswer, themeAnswer]) => ({
      projects: projectAnswer.projects,
      themes: themeAnswer.themes,
    })),
  loadDetail: (id: number) => api.getProject(id),
};

export function ProjectsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const selection = useListSelection<ProjectsAndThemes, ProjectDetail>(projectLoaders);
  const { selectedId, select, detail, reloadList: loadList, reloadDetail: loadDetail } = selection;
  const themes = selection.list?.themes;
  const [editing, setEditing] = useState<{ project: Project | null } | null>(null);
  // Mounted from the first opening on, so that closing the drawer still animates.
  const [editorMounted, setEditorMounted] = useState(false);
  if (editing !== null && !editorMounted) setEditorMounted(true);

  const themeName = useMemo(() => {
    const names = new Map((themes ?? []).map((theme) => [theme.id, theme.name]));
    return (id: number) => names.get(id) ?? `#${id}`;
  }, [themes]);

  const project = detail?.project ?? null;

  return (
    <>
      <PageHeader
        title={t('menu.projects')}
        subtitle={t('pages.projects.description')}
        extra={
          <Space>
            <RefreshButton
              onClick={() => {
                loadList();
                loadDetail();
              }}
            />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing({ project: null })}
              data-testid="project-create"
            >
              {t('projects.create')}
            </Button>
          </Space>
        }
      />
      <Alert
        type="info"
        showIcon
        className="page-notice"
        data-testid="projects-reports-note"
        title={
          <>
            {t('projects.reportsNote')}{' '}
            <Link to="/backtests" data-testid="projects-reports-link">
              {t('projects.reportsLink')}
            </Link>
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <ProjectList
            projects={selection.list?.projects ?? null}
            error={selection.listError}
            onRetry={loadList}
            selectedId={selectedId}
            onSelect={select}
            themeName={themeName}
          />
        </Col>
        <Col xs={24} xl={15}>
          {selection.detailError ? (
            <Alert
              type="error"
              showIcon
              title={t('common.loadFailed', { message: errorText(selection.detailError.reason) })}
            />
          ) : null}
          {detail && project ? (
            <Suspense fallback={<Skeleton active />}>
              <ProjectDetailView
                detail={detail}
                themeName={themeName}
                onEdit={() => setEditing({ project })}
                onLive={() => navigate(liveTradingPath(project.id))}
              />
            </Suspense>
          ) : null}
          {!(detail && project) && !selection.detailError ? (
            <Card variant="borderless" className="content-card">
              <Empty description={t('projects.pickOne')} />
            </Card>
          ) : null}
        </Col>
      </Row>
      {editorMounted ? (
        <Suspense fallback={null}>
          <ProjectForm
            open={editing !== null}
            project={editing?.project ?? null}
            onClose={() => setEditing(null)}
            onSaved={(saved) => {
              setEditing(null);
              loadList();
              if (saved.id === selectedId) loadDetail();
              else select(saved.id);
            }}
          />
        </Suspense>
      ) : null}
    </>
  );
}
