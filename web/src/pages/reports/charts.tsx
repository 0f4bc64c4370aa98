import { BarChart, CustomChart, HeatmapChart, LineChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
// The ESM build: the CommonJS one (lib/) reaches the bundle as a module object, not a component.
import ReactEChartsCore from 'echarts-for-react/esm/core';

// Only the chart types the research pages draw, so the bundle does not carry every one.
echarts.use([
  BarChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export { echarts };

/** Strategy, benchmark, then further series (compare view, sectors). */
export const SERIES_COLORS = [
  '#2f6bff',
  '#8c8c8c',
  '#36b37e',
  '#ff8b00',
  '#6554c0',
  '#00b8d9',
  '#ff5630',
  '#ffab00',
  '#57d9a3',
  '#f99cd3',
  '#0052cc',
  '#b3bac5',
];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] ?? '#b3bac5';
}

export function Chart({
  option,
  height,
  testId,
}: {
  option: Record<string, unknown>;
  height: number;
  testId: string;
}) {
  return (
    <div data-testid={testId} className="research-chart">
      <ReactEChartsCore echarts={echarts} option={option} style={{ height }} notMerge lazyUpdate />
    </div>
  );
}
