import { Empty } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../../../components';
import { renderEnum } from '../../../i18n/messages';
import type { SectorWeight } from '../model';

/** Weights by sector, before and after the risk stage, as grouped horizontal bars (percent). */
export function SectorWeightsChart({ sectors }: { sectors: readonly SectorWeight[] }) {
  const { t } = useTranslation();
  const noSector = t('decisions.noSector');
  const before = t('decisions.weights.before');
  const after = t('decisions.weights.after');
  const option = useMemo(() => {
    // Largest at the top: a category axis draws its first entry at the bottom.
    const rows = [...sectors].reverse();
    const pct = (value: number) => Math.round(value * 10_000) / 100;
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => `${v}%` },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        data: rows.map((row) => (row.sector ? renderEnum('gicsSector', row.sector) : noSector)),
      },
      series: [
        {
          name: before,
          type: 'bar',
          data: rows.map((row) => pct(row.before)),
          itemStyle: { color: '#b3bac5' },
        },
        {
          name: after,
          type: 'bar',
          data: rows.map((row) => pct(row.after)),
          itemStyle: { color: '#2f6bff' },
        },
      ],
    };
  }, [sectors, noSector, before, after]);
  if (sectors.length === 0) return <Empty description={t('decisions.weights.empty')} />;
  const summary = sectors
    .map((row) => `${row.sector || '-'}:${row.before.toFixed(4)}>${row.after.toFixed(4)}`)
    .join(';');
  return (
    <div data-testid="snapshot-sector-chart" data-sectors={summary}>
      <EChart option={option} height={Math.max(160, 48 + sectors.length * 44)} />
    </div>
  );
}
