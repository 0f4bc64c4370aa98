import { BarChart, CustomChart, HeatmapChart, LineChart, PieChart } from 'echarts/charts';
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
import type { CSSProperties } from 'react';

// The one place ECharts is imported: only the chart types and components the pages draw, so the
// bundle does not carry every one. Loaded on demand by EChart, never by a page's first script.
echarts.use([
  BarChart,
  CustomChart,
  HeatmapChart,
  LineChart,
  PieChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export interface EChartsViewProps {
  option: Record<string, unknown>;
  style: CSSProperties;
  notMerge?: boolean;
  lazyUpdate?: boolean;
}

export default function EChartsView({ option, style, notMerge, lazyUpdate }: EChartsViewProps) {
  return (
    <ReactEChartsCore
      echarts={echarts}
      option={option}
      style={style}
      notMerge={notMerge}
      lazyUpdate={lazyUpdate}
    />
  );
}
