import { useMemo } from 'react';
import { EChart } from '../../components';

export interface BarSeries {
  name: string;
  values: number[];
  color: string;
}

/** Grouped bars per category (symbols), for "look rather than read" comparisons. */
export function GroupedBars({
  categories,
  series,
  height = 280,
  percent = false,
  testId,
}: {
  categories: string[];
  series: BarSeries[];
  height?: number;
  percent?: boolean;
  testId?: string;
}) {
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: {
        type: 'category',
        data: categories,
        axisLabel: { interval: 0, rotate: categories.length > 12 ? 45 : 0, fontFamily: 'monospace' },
      },
      yAxis: {
        type: 'value',
        ...(percent ? { max: 100, axisLabel: { formatter: '{value}%' } } : {}),
      },
      series: series.map((s) => ({
        name: s.name,
        type: 'bar',
        data: s.values,
        itemStyle: { color: s.color },
        barMaxWidth: 28,
      })),
    }),
    [categories, series, percent],
  );
  return (
    <div data-testid={testId}>
      <EChart option={option} height={height} />
    </div>
  );
}
