import { EditOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Empty,
  Space,
  Table,
  type TableColumnsType,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, type Project, type ProjectDetail, type ThemeMember, type ThemeSummary } from '../../api';
import {
  formatUsd,
  ListDetailLayout,
  PageHeader,
  RefreshButton,
  SectorBreakdown,
  useListSelection,
} from '../../components';
import { weekdayKey } from './model';
import { VersionHistory } from './VersionHistory';

// The editor (a drawer full of form controls) loads when first opened, not with the page.
const ProjectForm = lazy(() => import('./ProjectForm').then((module) => ({ default: module.ProjectForm })));

/** Where the project shortcut leads: the live trading page, scoped to this project. */
export function liveTradingPath(projectId: number): string {
  return `/live?project=${projectId}`;
}

interface ProjectList {
  projects: Project[];
  /** Every theme, to name the themes a project draws its universe from. */
  themes: ThemeSummary[];
}

const projectLoaders = {
  // Projects have no search: the list is all of them.
  loadList: (): Promise<ProjectList> =>
    Promise.all([api.listProjects(), api.listThemes()]).then(([projectAnswer, themeAnswer]) => ({
      projects: projectAnswer.projects,
      themes: themeAnswer.themes,
    })),
  loadDetail: (id: number) => api.getProject(id),
};

export function ProjectsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const selection = useListSelection<ProjectList, ProjectDetail>(projectLoaders);
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

  const listColumns: TableColumnsType<Project> = [
    {
      title: t('projects.fields.name'),
      dataIndex: 'name',
      key: 'name',
      // Room for whole words: a narrow column broke long names mid-word.
      minWidth: 160,
      render: (name: string) => (
        <Typography.Text strong className="entity-name">
          {name}
        </Typography.Text>
      ),
    },
    {
      title: t('projects.fields.themes'),
      key: 'themes',
      render: (_: unknown, project: Project) => (
        <Space size={[4, 4]} wrap>
          {project.params.themeIds.map((id) => (
            <Tag key={id}>{themeName(id)}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: t('projects.versions.version'),
      dataIndex: 'currentVersion',
      key: 'version',
      width: 70,
      render: (version: number) => <span className="mono">v{version}</span>,
    },
    {
      title: t('projects.fields.updatedAt'),
      dataIndex: 'updatedAt',
      key: 'updatedAt',
      width: 110,
      render: (time: string) => dayjs(time).format('YYYY-MM-DD'),
    },
  ];

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
      <ListDetailLayout
        listTitle={t('projects.all')}
        items={selection.list?.projects ?? null}
        columns={listColumns}
        listTestId="project-list"
        listEmptyText={t('projects.none')}
        listError={selection.listError}
        onRetryList={loadList}
        selectedId={selectedId}
        onSelect={select}
        detailError={selection.detailError}
        detailPlaceholder={t('projects.pickOne')}
        detail={
          detail && project ? (
            <Card
              variant="borderless"
              className="content-card"
              data-testid="project-detail"
              title={
                <Space>
                  <span data-testid="project-detail-name">{project.name}</span>
                  <Tag className="mono" data-testid="project-current-version">
                    v{project.currentVersion}
                  </Tag>
                </Space>
              }
              extra={
                <Space wrap>
                  <Button
                    icon={<EditOutlined />}
                    onClick={() => setEditing({ project })}
                    data-testid="project-edit"
                  >
                    {t('common.edit')}
                  </Button>
                  <Button
                    icon={<ThunderboltOutlined />}
                    onClick={() => navigate(liveTradingPath(project.id))}
                    data-testid="project-live"
                  >
                    {t('projects.toLive')}
                  </Button>
                </Space>
              }
            >
              {project.description ? (
                <Typography.Paragraph type="secondary">{project.description}</Typography.Paragraph>
              ) : null}
              <Tabs
                items={[
                  {
                    key: 'params',
                    label: t('projects.tabs.params'),
                    children: <ParamsView detail={detail} themeName={themeName} />,
                  },
                  {
                    key: 'versions',
                    label: t('projects.tabs.versions', { count: detail.versions.length }),
                    children: <VersionHistory versions={detail.versions} current={project.currentVersion} />,
                  },
                  {
                    key: 'universe',
                    label: t('projects.tabs.universe', { count: detail.universe.length }),
                    children: <UniverseView members={detail.universe} />,
                  },
                ]}
              />
            </Card>
          ) : null
        }
      />
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

function ParamsView({ detail, themeName }: { detail: ProjectDetail; themeName: (id: number) => string }) {
  const { t, i18n } = useTranslation();
  const { params } = detail.project;
  const percent = (value: number) => `${(value * 100).toFixed(2).replace(/\.?0+$/, '')}%`;
  return (
    <Space vertical size={12} style={{ width: '100%' }} data-testid="project-params">
      <Descriptions size="small" column={{ xs: 1, md: 2 }} title={t('projects.groups.universe')}>
        <Descriptions.Item label={t('projects.fields.themes')}>
          <Space size={[4, 4]} wrap>
            {params.themeIds.map((id) => (
              <Tag key={id}>{themeName(id)}</Tag>
            ))}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.family')}>
          {t(`projects.families.${params.model.family}`)} · {t('projects.fields.seed')} {params.model.seed}
        </Descriptions.Item>
      </Descriptions>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} title={t('projects.groups.portfolio')}>
        <Descriptions.Item label={t('projects.fields.topN')}>{params.portfolio.topN}</Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.weighting')}>
          {t(`projects.weightings.${params.portfolio.weighting}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.maxWeight')}>
          <span data-testid="param-maxWeight">{percent(params.portfolio.maxWeight)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.sectorCap')}>
          {percent(params.portfolio.sectorCap)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.cashBuffer')}>
          {percent(params.portfolio.cashBuffer)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.turnoverLimit')}>
          {percent(params.portfolio.turnoverLimit)}
        </Descriptions.Item>
      </Descriptions>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} title={t('projects.groups.schedule')}>
        <Descriptions.Item label={t('projects.fields.weekday')}>
          {(() => {
            const key = weekdayKey(params.schedule.weekday);
            return key
              ? t('projects.everyWeek', { day: t(`projects.weekdays.${key}`) })
              : params.schedule.weekday;
          })()}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.minutesAfterOpen')}>
          {t('projects.minutes', { count: params.schedule.minutesAfterOpen })}
        </Descriptions.Item>
      </Descriptions>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} title={t('projects.groups.risk')}>
        <Descriptions.Item label={t('projects.fields.maxPositionWeight')}>
          {percent(params.risk.maxPositionWeight)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.maxSectorWeight')}>
          {percent(params.risk.maxSectorWeight)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.maxGrossExposure')}>
          {percent(params.risk.maxGrossExposure)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.maxDailyLoss')}>
          {percent(params.risk.maxDailyLoss)}
        </Descriptions.Item>
      </Descriptions>
      <Descriptions size="small" column={{ xs: 1, md: 3 }} title={t('projects.groups.execution')}>
        <Descriptions.Item label={t('projects.fields.orderType')}>
          {t(`projects.orderTypes.${params.execution.orderType}`)}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.limitOffsetBps')}>
          {params.execution.orderType === 'LMT' ? `${params.execution.limitOffsetBps} bps` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('projects.fields.minTradeValue')}>
          {formatUsd(params.execution.minTradeValue, i18n.language)}
        </Descriptions.Item>
      </Descriptions>
    </Space>
  );
}

function UniverseView({ members }: { members: ThemeMember[] }) {
  const { t } = useTranslation();
  if (members.length === 0) return <Empty description={t('projects.universeEmpty')} />;
  return (
    <Space vertical size={16} style={{ width: '100%' }}>
      <SectorBreakdown members={members} />
      <Table
        size="small"
        rowKey="symbol"
        data-testid="universe-members"
        dataSource={members}
        pagination={{ pageSize: 15, hideOnSinglePage: true, showSizeChanger: false }}
        columns={(['symbol', 'name', 'sector', 'industry'] as const).map((column) => ({
          title: t(`themes.members.${column}`),
          dataIndex: column,
          key: column,
          render:
            column === 'symbol' ? (symbol: string) => <span className="mono">{symbol}</span> : undefined,
        }))}
      />
    </Space>
  );
}
