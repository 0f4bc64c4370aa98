import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { SymbolCoverage } from '../../api';
import { Chart } from '../reports/charts';

/** Rows shown at once; longer universes scroll with the slider on the right. */
const VISIBLE_ROWS = 24;
const ROW_PX = 22;

interface CoordSys {
  x: number;
  y: number;
  width: number;
  height: number;
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** The part of `rect` inside `bounds`, or null when they do not overlap (ECharts draws no empty rects). */
function clipRect(rect: CoordSys, bounds: CoordSys): CoordSys | null {
  const x = Math.max(rect.x, bounds.x);
  const y = Math.max(rect.y, bounds.y);
  const right = Math.min(rect.x + rect.width, bounds.x + bounds.width);
  const bottom = Math.min(rect.y + rect.height, bounds.y + bounds.height);
  if (right <= x || bottom <= y) return null;
  return { x, y, width: right - x, height: bottom - y };
}

/** A horizontal bar per [row, from, to] value, clipped to the plot (Gantt-style). */
function spanRenderer(heightShare: number) {
  return (params: CustomSeriesRenderItemParams, api: CustomSeriesRenderItemAPI) => {
    const row = Number(api.value(0));
    const start = api.coord([api.value(1), row]);
    const end = api.coord([api.value(2), row]);
    const size = api.size?.([0, 1]);
    const rowHeight = Array.isArray(size) ? (size[1] ?? ROW_PX) : ROW_PX;
    const height = rowHeight * heightShare;
    const [x0 = 0, y0 = 0] = start;
    const [x1 = 0] = end;
    const coordSys = params.coordSys as unknown as CoordSys;
    const shape = clipRect({ x: x0, y: y0 - height / 2, width: Math.max(x1 - x0, 2), height }, coordSys);
    return shape ? { type: 'rect' as const, shape, style: api.style() } : null;
  };
}

/**
 * Every symbol's history as a bar from its first to its last day, with gaps (trading days without
 * a bar) drawn over it in red: where coverage is thin shows at a glance.
 */
export function CoverageTimeline({ symbols }: { symbols: readonly SymbolCoverage[] }) {
  const { t } = useTranslation();
  const option = useMemo(() => {
    const names = symbols.map((entry) => entry.symbol);
    const spans = symbols.map((entry, row) => ({
      value: [row, dayMs(entry.first), dayMs(entry.last), entry.rows, entry.gapsCount],
      name: entry.symbol,
    }));
    const gaps = symbols.flatMap((entry, row) =>
      entry.gaps.map((gap) => ({
        value: [row, dayMs(gap.from), dayMs(gap.to) + 86_400_000, gap.days],
        name: entry.symbol,
      })),
    );
    const scroll = symbols.length > VISIBLE_ROWS;
    return {
      grid: { left: 70, right: scroll ? 48 : 20, top: 28, bottom: 30 },
      legend: { top: 0, data: [t('reports.data.chart.covered'), t('reports.data.chart.gap')] },
      tooltip: {
        formatter: (item: { seriesIndex: number; name: string; value: number[] }) => {
          const [, from = 0, to = 0, count = 0, extra = 0] = item.value;
          const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
          if (item.seriesIndex === 1) {
            return t('reports.data.chart.gapTip', {
              symbol: item.name,
              from: day(from),
              to: day(to - 86_400_000),
              days: count,
            });
          }
          return t('reports.data.chart.spanTip', {
            symbol: item.name,
            from: day(from),
            to: day(to),
            rows: count,
            gaps: extra,
          });
        },
      },
      xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
      yAxis: {
        type: 'category',
        data: names,
        inverse: true,
        axisTick: { show: false },
        axisLabel: { fontFamily: 'monospace' },
      },
      dataZoom: scroll
        ? [
            {
              type: 'slider',
              yAxisIndex: 0,
              right: 8,
              width: 16,
              startValue: 0,
              endValue: VISIBLE_ROWS - 1,
              showDetail: false,
            },
            { type: 'inside', yAxisIndex: 0, zoomOnMouseWheel: false, moveOnMouseWheel: true },
          ]
        : [],
      series: [
        {
          type: 'custom',
          name: t('reports.data.chart.covered'),
          renderItem: spanRenderer(0.6),
          itemStyle: { color: '#2f6bff', opacity: 0.75 },
          encode: { x: [1, 2], y: 0 },
          data: spans,
        },
        {
          type: 'custom',
          name: t('reports.data.chart.gap'),
          renderItem: spanRenderer(0.9),
          itemStyle: { color: '#ff4d4f' },
          encode: { x: [1, 2], y: 0 },
          data: gaps,
        },
      ],
    };
  }, [symbols, t]);
  const rows = Math.min(symbols.length, VISIBLE_ROWS);
  return <Chart option={option} height={rows * ROW_PX + 80} testId="coverage-chart" />;
}
