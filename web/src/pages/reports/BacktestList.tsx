import { DiffOutlined, FileSearchOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Input, Select, Space, Table, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BacktestSummary } from '../../api';
import { pct, ratio, shortHash, tone } from './format';

interface Filters {
  projectId: number | null;
  model: string;
  range: [Dayjs | null, Dayjs | null] | null;
}

function toneClass(value: number): string | undefined {
  const direction = tone(value);
  return direction === 'up' ? 'value-up' : direction === 'down' ? 'value-down' : undefined;
}

export function BacktestList({
  backtests,
  loading,
  projectName,
  projectOptions,
  onReload,
  onOpen,
  onCompare,
}: {
  backtests: readonly BacktestSummary[];
  loading: boolean;
  projectName: (id: number | null) => string;
  projectOptions: { value: number; label: string }[];
  onReload: () => void;
  onOpen: (id: number) => void;
  onCompare: (ids: number[]) => void;
}) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>({ projectId: null, model: '', range: null });
  const [selected, setSelected] = useState<number[]>([]);

  const visible = useMemo(() => {
    const model = filters.model.trim().toLowerCase();
    const [from, to] = filters.range ?? [null, null];
    return backtests.filter(
      (entry) =>
        (filters.projectId === null || entry.projectId === filters.projectId) &&
        (model === '' || entry.modelVersion.toLowerCase().startsWith(model)) &&
        (!from || !dayjs(entry.createdAt).isBefore(from.startOf('day'))) &&
        (!to || !dayjs(entry.createdAt).isAfter(to.endOf('day'))),
    );
  }, [backtests, filters]);

  const columns: ColumnsType<BacktestSummary> = [
    {
      title: t('reports.columns.id'),
      dataIndex: 'id',
      width: 70,
      sorter: (a, b) => a.id - b.id,
      render: (id: number) => <span className="mono">#{id}</span>,
    },
    {
      title: t('reports.columns.project'),
      dataIndex: 'projectId',
      sorter: (a, b) => projectName(a.projectId).localeCompare(projectName(b.projectId)),
      render: (id: number | null) => <span className="nowrap">{projectName(id)}</span>,
    },
    {
      title: t('reports.columns.projectVersion'),
      dataIndex: 'projectVersion',
      width: 90,
      sorter: (a, b) => (a.projectVersion ?? 0) - (b.projectVersion ?? 0),
      render: (version: number | null) => (version === null ? '–' : `v${version}`),
    },
    {
      title: t('reports.columns.model'),
      dataIndex: 'modelVersion',
      width: 120,
      render: (version: string) => (
        <Tooltip title={version}>
          <span className="mono">{shortHash(version)}</span>
        </Tooltip>
      ),
    },
    {
      title: t('reports.columns.period'),
      key: 'period',
      width: 200,
      sorter: (a, b) => a.start.localeCompare(b.start),
      render: (_: unknown, entry) => (
        <span className="mono nowrap">
          {entry.start} → {entry.end}
        </span>
      ),
    },
    {
      title: t('reports.stats.cagr'),
      key: 'cagr',
      align: 'right',
      sorter: (a, b) => a.stats.cagr - b.stats.cagr,
      render: (_: unknown, entry) => (
        <span className={toneClass(entry.stats.cagr)}>{pct(entry.stats.cagr)}</span>
      ),
    },
    {
      title: t('reports.stats.sharpe'),
      key: 'sharpe',
      align: 'right',
      sorter: (a, b) => a.stats.sharpe - b.stats.sharpe,
      render: (_: unknown, entry) => ratio(entry.stats.sharpe),
    },
    {
      title: t('reports.stats.maxDrawdown'),
      key: 'maxDrawdown',
      align: 'right',
      sorter: (a, b) => a.stats.maxDrawdown - b.stats.maxDrawdown,
      render: (_: unknown, entry) => <span className="value-down">{pct(entry.stats.maxDrawdown)}</span>,
    },
    {
      title: t('reports.compare.metrics.totalReturn'),
      key: 'totalReturn',
      align: 'right',
      sorter: (a, b) => a.stats.totalReturn - b.stats.totalReturn,
      render: (_: unknown, entry) => (
        <span className={toneClass(entry.stats.totalReturn)}>{pct(entry.stats.totalReturn)}</span>
      ),
    },
    {
      title: t('reports.columns.created'),
      dataIndex: 'createdAt',
      width: 170,
      defaultSortOrder: 'descend',
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      render: (time: string) => <span className="mono nowrap">{dayjs(time).format('YYYY-MM-DD HH:mm')}</span>,
    },
    {
      title: '',
      key: 'open',
      fixed: 'right',
      width: 110,
      render: (_: unknown, entry) => (
        <Button
          size="small"
          icon={<FileSearchOutlined />}
          onClick={() => onOpen(entry.id)}
          data-testid={`open-report-${entry.id}`}
        >
          {t('reports.list.open')}
        </Button>
      ),
    },
  ];

  return (
    <Card
      variant="borderless"
      className="content-card section-card"
      title={t('reports.list.title')}
      extra={
        <Button
          icon={<ReloadOutlined />}
          onClick={onReload}
          loading={loading}
          data-testid="backtests-refresh"
        >
          {t('common.refresh')}
        </Button>
      }
    >
      <Space wrap className="report-meta">
        <Select
          allowClear
          placeholder={t('reports.list.filterProject')}
          style={{ minWidth: 220 }}
          value={filters.projectId}
          onChange={(projectId: number | undefined) =>
            setFilters({ ...filters, projectId: projectId ?? null })
          }
          options={projectOptions}
          data-testid="filter-project"
        />
        <Input
          allowClear
          placeholder={t('reports.list.filterModel')}
          style={{ width: 200 }}
          value={filters.model}
          onChange={(event) => setFilters({ ...filters, model: event.target.value })}
        />
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          value={filters.range}
          onChange={(range) => setFilters({ ...filters, range })}
          placeholder={[t('reports.list.createdFrom'), t('reports.list.createdTo')]}
        />
        <Button
          type="primary"
          icon={<DiffOutlined />}
          disabled={selected.length < 2}
          onClick={() => onCompare(selected)}
          data-testid="compare-selected"
        >
          {t('reports.list.compare', { count: selected.length })}
        </Button>
      </Space>
      <Table<BacktestSummary>
        data-testid="backtest-table"
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={visible}
        locale={{ emptyText: <Empty description={t('reports.list.empty')} /> }}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(Number).slice(0, 10)),
        }}
        pagination={{ pageSize: 20, showSizeChanger: true }}
        scroll={{ x: 'max-content' }}
      />
    </Card>
  );
}
