import { CheckCircleTwoTone, CloseCircleTwoTone, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  SweepRequestBody,
  SweepRerunResponse,
  SweepResponse,
  SweepRow,
  SweepStat,
} from '../../../../src/contract/research-sweeps';
import type { Project, StartedJob } from '../../api';
import { request } from '../../api/client';
import { Chart } from './charts';
import { integer, money, pct, ratio, shortHash } from './format';
import { JobProgress } from './JobProgress';
import { errorText } from './researchApi';
import { useJob } from './useJob';

const sweepsApi = {
  start: (projectId: number, body: SweepRequestBody) =>
    request<StartedJob>('POST', `/api/projects/${projectId}/sweeps`, { body }),
  get: (id: number) => request<SweepResponse>('GET', `/api/sweeps/${id}`),
  rerun: (id: number, pointHash: string) =>
    request<SweepRerunResponse>('POST', `/api/sweeps/${id}/rerun`, { body: { pointHash } }),
};

// The contract's lists restated as types only: a value import would bring zod into the bundle.
type Grid = NonNullable<SweepRequestBody['grid']>;
const SWEEP_WEIGHTINGS = ['equal', 'score', 'inverse_volatility'] as const satisfies NonNullable<
  Grid['weighting']
>;
const SWEEP_COMMISSIONS = ['ib-fixed', 'ib-tiered', 'zero'] as const satisfies readonly NonNullable<
  SweepRequestBody['commission']
>[];
const SWEEP_STATS = [
  'cagr',
  'totalReturn',
  'volatility',
  'sharpe',
  'sortino',
  'maxDrawdown',
  'turnoverPerRebalance',
  'hitRate',
  'totalCommission',
  'rebalances',
  'exits',
] as const satisfies readonly SweepStat[];

/** Form fields holding comma-separated numbers. */
const LIST_FIELDS = ['topN', 'maxWeight', 'sectorCap'] as const;
type Weekday = '1' | '2' | '3' | '4' | '5';
const weekdayKey = (day: number | string) => `sweeps.weekdays.${String(day) as Weekday}` as const;

/** Parameters a heatmap can put on an axis. */
const AXES = ['signal', 'topN', 'weighting', 'maxWeight', 'sectorCap', 'weekday'] as const;
type Axis = (typeof AXES)[number];
/** Statistics where smaller is better. */
const SMALLER_IS_BETTER = new Set<SweepStat>(['maxDrawdown', 'turnoverPerRebalance', 'totalCommission']);
const PERCENT_STATS = new Set<SweepStat>([
  'cagr',
  'totalReturn',
  'volatility',
  'maxDrawdown',
  'turnoverPerRebalance',
  'hitRate',
]);

function formatStat(stat: SweepStat, value: number): string {
  if (PERCENT_STATS.has(stat)) return pct(value);
  if (stat === 'totalCommission') return money(value);
  if (stat === 'rebalances' || stat === 'exits') return integer(value);
  return ratio(value);
}

function numbers(text: string): number[] | null {
  const parts = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const values = parts.map(Number);
  return values.length > 0 && values.every(Number.isFinite) ? values : null;
}

interface FormValues {
  projectId?: number;
  signals: string;
  topN: string;
  weighting: (typeof SWEEP_WEIGHTINGS)[number][];
  maxWeight: string;
  sectorCap: string;
  weekday: number[];
  commission: (typeof SWEEP_COMMISSIONS)[number];
}

/**
 * Parameter sweeps: a grid form, the job's progress (cancellable), then a table sortable by every
 * statistic, a heatmap of any two parameters, and a rerun of any point from its hash. The
 * multiple-testing caveat stays in view next to the results.
 */
export function SweepsCard({ projects }: { projects: readonly Project[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [sweep, setSweep] = useState<SweepResponse | null>(null);
  const [reruns, setReruns] = useState<Record<string, boolean>>({});
  const [rerunning, setRerunning] = useState<string | null>(null);
  const [axes, setAxes] = useState<{ x: Axis; y: Axis; stat: SweepStat }>({
    x: 'topN',
    y: 'signal',
    stat: 'sharpe',
  });
  const { job, track } = useJob((finished) => {
    if (finished.status !== 'succeeded') return;
    sweepsApi
      .get(finished.id)
      .then(setSweep)
      .catch((error: unknown) => message.error(errorText(error)));
  });

  const submit = (values: FormValues) => {
    const parsed: Partial<Record<(typeof LIST_FIELDS)[number], number[]>> = {};
    for (const field of LIST_FIELDS) {
      const value = numbers(values[field]);
      if (!value) {
        message.error(t('sweeps.form.badList', { field: t(`sweeps.form.${field}`) }));
        return;
      }
      parsed[field] = value;
    }
    const signal = values.signals
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    setSweep(null);
    setReruns({});
    sweepsApi
      .start(values.projectId!, {
        grid: {
          signal,
          topN: parsed.topN!,
          weighting: values.weighting,
          maxWeight: parsed.maxWeight!,
          sectorCap: parsed.sectorCap!,
          weekday: values.weekday,
        },
        commission: values.commission,
      })
      .then((started) => track(started.job))
      .catch((error: unknown) => message.error(errorText(error)));
  };

  const rerun = (row: SweepRow) => {
    if (!sweep) return;
    setRerunning(row.pointHash);
    sweepsApi
      .rerun(sweep.id, row.pointHash)
      .then((answer) => setReruns((current) => ({ ...current, [row.pointHash]: answer.reproduced })))
      .catch((error: unknown) => message.error(errorText(error)))
      .finally(() => setRerunning(null));
  };

  const columns: ColumnsType<SweepRow> = [
    {
      title: t('sweeps.table.signal'),
      key: 'signal',
      render: (_, row) => <Typography.Text code>{row.point.signal}</Typography.Text>,
    },
    { title: t('sweeps.table.topN'), key: 'topN', render: (_, row) => row.point.topN },
    {
      title: t('sweeps.table.weighting'),
      key: 'weighting',
      render: (_, row) => t(`sweeps.weighting.${row.point.weighting}`),
    },
    {
      title: t('sweeps.table.maxWeight'),
      key: 'maxWeight',
      render: (_, row) => pct(row.point.maxWeight, 0),
    },
    {
      title: t('sweeps.table.sectorCap'),
      key: 'sectorCap',
      render: (_, row) => pct(row.point.sectorCap, 0),
    },
    {
      title: t('sweeps.table.weekday'),
      key: 'weekday',
      render: (_, row) => t(weekdayKey(row.point.weekday)),
    },
    ...SWEEP_STATS.map((stat) => ({
      title: t(`sweeps.stats.${stat}`),
      key: stat,
      align: 'right' as const,
      sorter: (a: SweepRow, b: SweepRow) => a.stats[stat] - b.stats[stat],
      defaultSortOrder: stat === 'sharpe' ? ('descend' as const) : undefined,
      render: (_: unknown, row: SweepRow) => formatStat(stat, row.stats[stat]),
    })),
    {
      title: t('sweeps.table.hash'),
      key: 'hash',
      render: (_, row) => (
        <Space size={4}>
          <Tooltip title={row.pointHash}>
            <Typography.Text type="secondary">{shortHash(row.pointHash)}</Typography.Text>
          </Tooltip>
          <Button
            size="small"
            icon={<ReloadOutlined />}
            loading={rerunning === row.pointHash}
            data-testid={`sweep-rerun-${row.pointHash.slice(0, 12)}`}
            onClick={() => rerun(row)}
          >
            {t('sweeps.table.rerun')}
          </Button>
          {reruns[row.pointHash] === true && (
            <Tooltip title={t('sweeps.table.reproduced')}>
              <CheckCircleTwoTone twoToneColor="#52c41a" data-testid="sweep-reproduced" />
            </Tooltip>
          )}
          {reruns[row.pointHash] === false && (
            <Tooltip title={t('sweeps.table.notReproduced')}>
              <CloseCircleTwoTone twoToneColor="#cf1322" />
            </Tooltip>
          )}
        </Space>
      ),
    },
  ];

  const heatmap = useMemo(() => {
    const axisLabel = (axis: Axis, value: string | number) =>
      axis === 'weighting'
        ? t(`sweeps.weighting.${value as (typeof SWEEP_WEIGHTINGS)[number]}`)
        : axis === 'weekday'
          ? t(weekdayKey(value))
          : axis === 'maxWeight' || axis === 'sectorCap'
            ? pct(Number(value), 0)
            : String(value);
    const rows = sweep?.rows ?? [];
    if (rows.length === 0) return null;
    const values = (axis: Axis) => [...new Set(rows.map((row) => row.point[axis]))];
    const xs = values(axes.x);
    const ys = values(axes.y);
    const better = (a: number, b: number) => (SMALLER_IS_BETTER.has(axes.stat) ? a < b : a > b);
    const best = new Map<string, number>();
    for (const row of rows) {
      const key = `${xs.indexOf(row.point[axes.x])},${ys.indexOf(row.point[axes.y])}`;
      const value = row.stats[axes.stat];
      const current = best.get(key);
      if (current === undefined || better(value, current)) best.set(key, value);
    }
    const cells = [...best].map(([key, value]) => [...key.split(',').map(Number), value]);
    const all = cells.map((cell) => cell[2]!);
    return {
      tooltip: { formatter: (item: { value: number[] }) => formatStat(axes.stat, item.value[2]!) },
      grid: { left: 120, right: 90, top: 10, bottom: 40 },
      xAxis: { type: 'category', data: xs.map((x) => axisLabel(axes.x, x)), splitArea: { show: true } },
      yAxis: { type: 'category', data: ys.map((y) => axisLabel(axes.y, y)), splitArea: { show: true } },
      visualMap: {
        type: 'continuous',
        min: Math.min(...all),
        max: Math.max(...all),
        calculable: true,
        orient: 'vertical',
        right: 0,
        top: 'middle',
        itemHeight: 100,
        inRange: {
          color: SMALLER_IS_BETTER.has(axes.stat)
            ? ['#389e0d', '#ffffff', '#cf1322']
            : ['#cf1322', '#ffffff', '#389e0d'],
        },
        formatter: (value: number) => formatStat(axes.stat, value),
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: {
            show: true,
            fontSize: 10,
            formatter: (item: { value: number[] }) => formatStat(axes.stat, item.value[2]!),
          },
        },
      ],
    };
  }, [sweep, axes, t]);

  const axisOptions = AXES.map((axis) => ({ value: axis, label: t(`sweeps.table.${axis}`) }));
  return (
    <Card title={t('sweeps.title')} data-testid="sweeps-card" className="research-card">
      <Typography.Paragraph type="secondary">{t('sweeps.intro')}</Typography.Paragraph>
      <Alert type="warning" showIcon title={t('sweeps.caveat')} data-testid="sweeps-caveat" />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{
          signals: 'ret(130, 5)\nret(60, 5) / vol(60)',
          topN: '10, 20',
          weighting: ['equal'],
          maxWeight: '0.1',
          sectorCap: '1',
          weekday: [1],
          commission: 'ib-fixed',
        }}
        style={{ marginTop: 12 }}
      >
        <Space wrap align="start">
          <Form.Item name="projectId" label={t('sweeps.form.project')} rules={[{ required: true }]}>
            <Select
              style={{ width: 220 }}
              data-testid="sweep-project"
              options={projects.map((project) => ({ value: project.id, label: project.name }))}
            />
          </Form.Item>
          <Form.Item name="signals" label={t('sweeps.form.signals')} rules={[{ required: true }]}>
            <Input.TextArea rows={3} style={{ width: 320 }} data-testid="sweep-signals" />
          </Form.Item>
          <Form.Item name="topN" label={t('sweeps.form.topN')}>
            <Input style={{ width: 160 }} data-testid="sweep-topn" />
          </Form.Item>
          <Form.Item name="weighting" label={t('sweeps.form.weighting')}>
            <Select
              mode="multiple"
              style={{ width: 240 }}
              options={SWEEP_WEIGHTINGS.map((value) => ({ value, label: t(`sweeps.weighting.${value}`) }))}
            />
          </Form.Item>
          <Form.Item name="maxWeight" label={t('sweeps.form.maxWeight')}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="sectorCap" label={t('sweeps.form.sectorCap')}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="weekday" label={t('sweeps.form.weekday')}>
            <Select
              mode="multiple"
              style={{ width: 200 }}
              options={[1, 2, 3, 4, 5].map((value) => ({ value, label: t(weekdayKey(value)) }))}
            />
          </Form.Item>
          <Form.Item name="commission" label={t('sweeps.form.commission')}>
            <Select
              style={{ width: 140 }}
              options={SWEEP_COMMISSIONS.map((value) => ({ value, label: t(`sweeps.commission.${value}`) }))}
            />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit" data-testid="sweep-run">
          {t('sweeps.form.run')}
        </Button>
      </Form>
      {job && (
        <div style={{ marginTop: 12 }}>
          <JobProgress job={job} testId="sweep-job" />
        </div>
      )}
      {sweep && sweep.rows.length > 0 && (
        <div style={{ marginTop: 16 }} data-testid="sweep-results">
          <Typography.Text type="secondary">
            {t('sweeps.form.points', { count: sweep.rows.length })}
          </Typography.Text>
          <Table<SweepRow>
            rowKey="pointHash"
            size="small"
            columns={columns}
            dataSource={sweep.rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: true }}
            data-testid="sweep-table"
          />
          <Typography.Title level={5}>{t('sweeps.heatmap.title')}</Typography.Title>
          <Space wrap>
            <span>{t('sweeps.heatmap.x')}</span>
            <Select
              value={axes.x}
              style={{ width: 140 }}
              options={axisOptions}
              onChange={(x: Axis) => setAxes((current) => ({ ...current, x }))}
            />
            <span>{t('sweeps.heatmap.y')}</span>
            <Select
              value={axes.y}
              style={{ width: 140 }}
              options={axisOptions}
              onChange={(y: Axis) => setAxes((current) => ({ ...current, y }))}
            />
            <span>{t('sweeps.heatmap.stat')}</span>
            <Select
              value={axes.stat}
              style={{ width: 160 }}
              options={SWEEP_STATS.map((stat) => ({ value: stat, label: t(`sweeps.stats.${stat}`) }))}
              onChange={(stat: SweepStat) => setAxes((current) => ({ ...current, stat }))}
            />
          </Space>
          <Typography.Paragraph type="secondary">{t('sweeps.heatmap.note')}</Typography.Paragraph>
          {heatmap && (
            <Chart
              option={heatmap}
              height={Math.max(180, 60 + 40 * new Set(sweep.rows.map((row) => row.point[axes.y])).size)}
              testId="sweep-heatmap"
            />
          )}
        </div>
      )}
    </Card>
  );
}
