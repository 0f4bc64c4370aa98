import { Empty, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { actorName } from '../../../../src/contract/actor-texts';
import type { ProjectVersion } from '../../api';
import { currentLanguage } from '../../i18n';
import { diffParams, type ParamDiffRow } from './model';

function show(value: ParamDiffRow['from']): string {
  if (value === undefined) return '—';
  if (Array.isArray(value)) return `[${value.join(', ')}]`;
  return String(value);
}

/** Versions newest first (who, when) and a parameter diff between any two of them. */
export function VersionHistory({ versions, current }: { versions: ProjectVersion[]; current: number }) {
  const { t } = useTranslation();
  const newest = versions[0]?.version ?? current;
  const [from, setFrom] = useState<number>(Math.max(1, newest - 1));
  const [to, setTo] = useState<number>(newest);
  const [onlyChanges, setOnlyChanges] = useState(true);

  useEffect(() => {
    setFrom(Math.max(1, newest - 1));
    setTo(newest);
  }, [newest]);

  const rows = useMemo(() => {
    const a = versions.find((version) => version.version === from);
    const b = versions.find((version) => version.version === to);
    return a && b ? diffParams(a.params, b.params) : [];
  }, [versions, from, to]);
  const shown = onlyChanges ? rows.filter((row) => row.changed) : rows;
  const options = versions.map((version) => ({ value: version.version, label: `v${version.version}` }));

  return (
    <Space vertical size={16} style={{ width: '100%' }}>
      <Table
        size="small"
        rowKey="version"
        data-testid="project-versions"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={versions}
        columns={[
          {
            title: t('projects.versions.version'),
            dataIndex: 'version',
            key: 'version',
            width: 110,
            render: (version: number) => (
              <Space size={4}>
                <span className="mono" data-testid="project-version">
                  v{version}
                </span>
                {version === current ? <Tag color="green">{t('projects.versions.current')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('projects.versions.createdBy'),
            dataIndex: 'createdBy',
            key: 'createdBy',
            render: (actor: string) => actorName(actor, currentLanguage()),
          },
          {
            title: t('projects.versions.createdAt'),
            dataIndex: 'createdAt',
            key: 'createdAt',
            render: (time: string) => dayjs(time).format('YYYY-MM-DD HH:mm:ss'),
          },
        ]}
      />
      <Space wrap>
        <Typography.Text strong>{t('projects.versions.compare')}</Typography.Text>
        <Select
          value={from}
          onChange={setFrom}
          options={options}
          style={{ width: 90 }}
          data-testid="diff-from"
        />
        <span>→</span>
        <Select value={to} onChange={setTo} options={options} style={{ width: 90 }} data-testid="diff-to" />
        <Switch checked={onlyChanges} onChange={setOnlyChanges} />
        <Typography.Text>{t('projects.versions.onlyChanges')}</Typography.Text>
      </Space>
      {versions.length < 2 ? (
        <Typography.Text type="secondary">{t('projects.versions.single')}</Typography.Text>
      ) : null}
      <Table
        size="small"
        rowKey="path"
        data-testid="project-diff"
        pagination={false}
        dataSource={shown}
        rowClassName={(row) => (row.changed ? 'diff-changed' : '')}
        locale={{ emptyText: <Empty description={t('projects.versions.noChanges')} /> }}
        columns={[
          {
            title: t('projects.versions.parameter'),
            dataIndex: 'path',
            key: 'path',
            render: (path: string) => <code className="mono">{path}</code>,
          },
          {
            title: `v${from}`,
            key: 'from',
            render: (_: unknown, row: ParamDiffRow) => <span className="mono">{show(row.from)}</span>,
          },
          {
            title: `v${to}`,
            key: 'to',
            render: (_: unknown, row: ParamDiffRow) => (
              <span className={row.changed ? 'mono diff-new' : 'mono'}>{show(row.to)}</span>
            ),
          },
        ]}
      />
    </Space>
  );
}
