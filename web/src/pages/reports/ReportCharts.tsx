import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { BacktestReport, MonthlyRow } from '../../api';
import { Chart, seriesColor } from './charts';
import { pct } from './format';

const ZOOM = [
  { type: 'inside', xAxisIndex: 0 },
  { type: 'slider', xAxisIndex: 0, height: 18, bottom: 6 },
];

/** Strategy and benchmark growth of 1, on one axis. */
export function EquityChart({ report }: { report: BacktestReport }) {
  const { t } = useTranslation();
  const option = useMemo(() => {
    const first = report.curves.equity[0] || 1;
    const firstBenchmark = report.curves.benchmark[0] || 1;
    const index = report.index;
    const firstIndex = index?.equity[0] || 1;
    return {
      color: [seriesColor(0), seriesColor(1), seriesColor(2)],
      tooltip: { trigger: 'axis', valueFormatter: (value: number) => value.toFixed(4) },
      legend: { top: 0 },
      grid: { left: 56, right: 20, top: 36, bottom: 56 },
      xAxis: { type: 'category', data: report.curves.days, boundaryGap: false },
      yAxis: { type: 'value', scale: true, name: t('reports.charts.growthOf1') },
      dataZoom: ZOOM,
      series: [
        {
          name: t('reports.charts.strategy'),
          type: 'line',
          showSymbol: false,
          data: report.curves.equity.map((value) => value / first),
        },
        {
          name: t('reports.charts.benchmark'),
          type: 'line',
          showSymbol: false,
          lineStyle: { type: 'dashed' },
          data: report.curves.benchmark.map((value) => value / firstBenchmark),
        },
        ...(index
          ? [
              {
                name: t('reports.charts.index', { symbol: index.symbol }),
                type: 'line',
                showSymbol: false,
                lineStyle: { type: 'dotted' },
                data: index.equity.map((value) => value / firstIndex),
              },
            ]
          : []),
      ],
    };
  }, [report, t]);
  return <Chart option={option} height={340} testId="chart-equity" />;
}

export function DrawdownChart({ report }: { report: BacktestReport }) {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (value: number) => pct(value) },
      grid: { left: 56, right: 20, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: report.curves.days, boundaryGap: false },
      yAxis: { type: 'value', max: 0, axisLabel: { formatter: (value: number) => pct(value, 0) } },
      dataZoom: ZOOM,
      series: [
        {
          name: t('reports.charts.drawdown'),
          type: 'line',
          showSymbol: false,
          color: '#cf1322',
          areaStyle: { color: 'rgba(207, 19, 34, 0.18)' },
          lineStyle: { width: 1 },
          data: report.curves.drawdown,
        },
      ],
    }),
    [report, t],
  );
  return <Chart option={option} height={320} testId="chart-drawdown" />;
}

/** Years down, months across, colour = return (red losses, green gains), annual total in the last column. */
export function MonthlyHeatmap({ rows, testId }: { rows: readonly MonthlyRow[]; testId: string }) {
  const { t, i18n } = useTranslation();
  const option = useMemo(() => {
    const monthName = new Intl.DateTimeFormat(i18n.language, { month: 'short', timeZone: 'UTC' });
    const months = Array.from({ length: 12 }, (_, index) => monthName.format(Date.UTC(2001, index, 15)));
    const columns = [...months, t('reports.charts.year')];
    const years = rows.map((row) => String(row.year));
    const cells: [number, number, number][] = [];
    let extreme = 0.01;
    rows.forEach((row, y) => {
      row.months.forEach((value, x) => {
        if (value === null) return;
        cells.push([x, y, value]);
        extreme = Math.max(extreme, Math.abs(value));
      });
      cells.push([12, y, row.total]);
    });
    return {
      tooltip: {
        formatter: (item: { value: [number, number, number] }) =>
          `${years[item.value[1]] ?? ''} ${columns[item.value[0]] ?? ''}: ${pct(item.value[2])}`,
      },
      grid: { left: 56, right: 90, top: 10, bottom: 30 },
      xAxis: { type: 'category', data: columns, splitArea: { show: true } },
      yAxis: { type: 'category', data: years, inverse: true, splitArea: { show: true } },
      visualMap: {
        type: 'continuous',
        min: -extreme,
        max: extreme,
        calculable: true,
        orient: 'vertical',
        right: 0,
        top: 'middle',
        itemHeight: 100,
        inRange: { color: ['#cf1322', '#fff1f0', '#ffffff', '#f6ffed', '#389e0d'] },
        formatter: (value: number) => pct(value, 1),
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: {
            show: true,
            fontSize: 10,
            formatter: (item: { value: number[] }) => pct(item.value[2], 1),
          },
          emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
        },
      ],
    };
  }, [rows, t, i18n.language]);
  return <Chart option={option} height={Math.max(180, rows.length * 34 + 50)} testId={testId} />;
}

/** Stacked weights per sector at each rebalance; the white space above is cash. */
export function SectorExposureChart({ report }: { report: BacktestReport }) {
  const { t } = useTranslation();
  const option = useMemo(() => {
    const { dates, sectors, weights } = report.sectorExposure;
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: number) => pct(value, 1),
      },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 56, right: 20, top: 36, bottom: 56 },
      xAxis: { type: 'category', data: dates, boundaryGap: false },
      yAxis: { type: 'value', max: 1, axisLabel: { formatter: (value: number) => pct(value, 0) } },
      dataZoom: ZOOM,
      series: sectors.map((sector, index) => ({
        name: sector || t('sectors.none'),
        type: 'line',
        stack: 'weight',
        showSymbol: false,
        color: seriesColor(index + 2),
        areaStyle: {},
        lineStyle: { width: 0.5 },
        data: weights[sector] ?? [],
      })),
    };
  }, [report, t]);
  return <Chart option={option} height={320} testId="chart-sectors" />;
}

/** Several backtests' normalised equity curves on one axis (their days may differ). */
export function CompareEquityChart({
  curves,
}: {
  curves: readonly { name: string; days: readonly string[]; equity: readonly number[] }[];
}) {
  const { t } = useTranslation();
  const option = useMemo(
    () => ({
      color: curves.map((_, index) => seriesColor(index === 0 ? 0 : index + 1)),
      tooltip: { trigger: 'axis', valueFormatter: (value: number) => value.toFixed(4) },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 56, right: 20, top: 36, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis: { type: 'value', scale: true, name: t('reports.charts.growthOf1') },
      dataZoom: ZOOM,
      series: curves.map((curve) => ({
        name: curve.name,
        type: 'line',
        showSymbol: false,
        data: curve.days.map((day, index) => [day, curve.equity[index]]),
      })),
    }),
    [curves, t],
  );
  return <Chart option={option} height={360} testId="chart-compare" />;
}
