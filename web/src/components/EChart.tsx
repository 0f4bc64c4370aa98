import { lazy, Suspense } from 'react';

// ECharts is the largest library the app uses and only some views draw a chart: it arrives in its
// own chunk the first time a chart renders instead of weighing on every page's first load.
const EChartsView = lazy(() => import('./echarts'));

/** An ECharts chart of a fixed height; the space is reserved while the library loads. */
export function EChart({
  option,
  height,
  lazyUpdate = false,
}: {
  option: Record<string, unknown>;
  height: number;
  lazyUpdate?: boolean;
}) {
  const style = { height };
  return (
    <Suspense fallback={<div style={style} />}>
      <EChartsView option={option} style={style} notMerge lazyUpdate={lazyUpdate} />
    </Suspense>
  );
}
