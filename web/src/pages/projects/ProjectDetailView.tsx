import { EditOutlined, FileProtectOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { DEMO_PROJECT_NAME } from '../../../../src/contract/demo';
import type { ProjectDetail, ThemeMember } from '../../api';
import { formatUsd, SectorBreakdown } from '../../components';
import { renderEnum } from '../../i18n/messages';
import { projectSnapshotsPath } from '../decisions';
import { PipelinePanel } from '../pipeline';
import { weekdayKey } from './model';
import { PipelineParamsView } from './PipelineFields';
import { VersionHistory } from './VersionHistory';

/**
 * One project's detail card (parameters, versions, universe). Its own chunk, loaded when a project is
 * shown: the Projects page's first load carries only the list.
 */
export function ProjectDetailView({
  detail,
  themeName,
  onEdit,
  onLive,
}: {
  detail: ProjectDetail;
  themeName: (id: number) => string;
  onEdit: () => void;
  onLive: () => void;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const project = detail.project;
  return (
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
          <Button icon={<EditOutlined />} onClick={onEdit} data-testid="project-edit">
            {t('common.edit')}
          </Button>
          <Button icon={<ThunderboltOutlined />} onClick={onLive} data-testid="project-live">
            {t('projects.toLive')}
          </Button>
          <Button
            icon={<FileProtectOutlined />}
            onClick={() => navigate(projectSnapshotsPath(project.id))}
            data-testid="project-snapshots"
          >
            {t('projects.snapshots')}
          </Button>
        </Space>
      }
    >
      {project.description || project.name === DEMO_PROJECT_NAME ? (
        <Typography.Paragraph type="secondary">
          {project.description || t('projects.demoDescription')}
        </Typography.Paragraph>
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
          {
            key: 'pipeline',
            label: t('pipeline.tab'),
            children: <PipelinePanel projectId={project.id} />,
          },
        ]}
      />
    </Card>
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
      <PipelineParamsView params={params} />
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
            column === 'symbol'
              ? (symbol: string) => <span className="mono">{symbol}</span>
              : column === 'sector'
                ? (sector: string) => (sector ? renderEnum('gicsSector', sector) : '')
                : undefined,
        }))}
      />
    </Space>
  );
}
