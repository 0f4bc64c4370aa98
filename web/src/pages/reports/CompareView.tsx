import { ArrowLeftOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space, Spin, Table, Tooltip } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BacktestStats, CompareEntry } from '../../api';
import { pct, ratio, shortHash } from './format';
import { CompareEquityChart } from './ReportCharts';
import { errorText, type Failure, researchApi } from './researchApi';

type MetricKey = keyof BacktestStats;

/** Which way is better, so the best value of each row can be marked. */
const METRICS: { key: MetricKey; format: (value: number) => string; better: 'high' | 'low' | null }[] = [
  { key: 'totalReturn', format: (value) => pct(value), better: 'high' },
  { key: 'cagr', format: (value) => pct(value), better: 'high' },
  { key: 'volatility', format: (value) => pct(value), better: 'low' },
  { key: 'sharpe', format: (value) => ratio(value), better: 'high' },
  { key: 'sortino', format: (value) => ratio(value), better: 'high' },
  { key: 'maxDrawdown', format: (value) => pct(value), better: 'low' },
  { key: 'turnoverPerRebalance', format: (value) => pct(value), better: null },
  { key: 'hitRate', format: (value) => pct(value, 1), better: 'high' },
  { key: 'totalCommission', format: (value) => value.toFixed(2), better: 'low' },
  { key: 'rebalances', format: (value) => String(value), better: null },
];

interface MetricRow {
  key: MetricKey;
  values: number[];
  best: number | null;
}

export function CompareView({
  ids,
  projectName,
  onBack,
}: {
  ids: readonly number[];
  projectName: (id: number | null) => string;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [entries, setEntries] = useState<CompareEntry[] | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const key = ids.join(',');

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the ids array
  useEffect(() => {
    let cancelled = false;
    setEntries(null);
    setError(null);
    researchApi
      .compare(ids)
      .then((answer) => {
        if (!cancelled) setEntries(answer.backtests);
      })
      .catch((failure: unknown) => {
        if (!cancelled) setError({ reason: failure });
      });
    return () => {
      cancelled = true;
    };
  }, [key]);

  const label = (entry: CompareEntry) =>
    `#${entry.backtest.id} ${projectName(entry.backtest.projectId)} v${entry.backtest.projectVersion ?? '–'}`;

  const rows: MetricRow[] = useMemo(
    () =>
      METRICS.map((metric) => {
        const values = (entries ?? []).map((entry) => entry.stats[metric.key]);
        let best: number | null = null;
        if (metric.better && values.length > 1) {
          const target = metric.better === 'high' ? Math.max(...values) : Math.min(...values);
          best = values.indexOf(target);
        }
        return { key: metric.key, values, best };
      }),
    [entries],
  );

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={onBack} data-testid="compare-back">
      {t('reports.report.back')}
    </Button>
  );
  if (error) {
    return (
      <Space orientation="vertical" className="full-width">
        {back}
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(error.reason) })} />
      </Space>
    );
  }
  if (!entries) return <Spin description={t('common.loading')} />;

  const columns: ColumnsType<MetricRow> = [
    {
      title: t('reports.compare.metric'),
      dataIndex: 'key',
      fixed: 'left',
      width: 180,
      render: (metric: MetricKey) => t(`reports.compare.metrics.${metric}`),
    },
    ...entries.map((entry, index) => ({
      title: (
        <Tooltip title={`${t('reports.columns.model')}: ${shortHash(entry.backtest.modelVersion)}`}>
          <span>{label(entry)}</span>
        </Tooltip>
      ),
      key: String(entry.backtest.id),
      align: 'right' as const,
      onCell: (row: MetricRow) => ({ className: row.best === index ? 'best' : '' }),
      render: (_: unknown, row: MetricRow) => {
        const metric = METRICS.find((candidate) => candidate.key === row.key);
        const value = row.values[index];
        return value === undefined || !metric ? '–' : metric.format(value);
      },
    })),
  ];

  return (
    <div data-testid="compare-view">
      <Space className="report-meta">{back}</Space>
      <Card
        variant="borderless"
        className="content-card section-card"
        title={t('reports.compare.title', { count: entries.length })}
      >
        <Table<MetricRow>
          className="compare-table"
          data-testid="compare-table"
          size="small"
          rowKey="key"
          pagination={false}
          columns={columns}
          dataSource={rows}
          scroll={{ x: true }}
        />
      </Card>
      <Card variant="borderless" className="content-card section-card" title={t('reports.compare.equity')}>
        <CompareEquityChart
          curves={entries.map((entry) => ({
            name: label(entry),
            days: entry.curve.days,
            equity: entry.curve.equity,
          }))}
        />
      </Card>
    </div>
  );
}
