import { EChart } from '../../components';

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
      <EChart option={option} height={height} lazyUpdate />
    </div>
  );
}
