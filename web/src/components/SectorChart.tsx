import { Col, Empty, Row, Table } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ThemeMember } from '../api';
import { renderEnum } from '../i18n/messages';
import { EChart } from './EChart';
import { sectorCounts } from './sectors';

/** One palette for the pie and the table beside it, so a sector has the same color in both. */
const SECTOR_COLORS = [
  '#2f6bff',
  '#36b37e',
  '#ffab00',
  '#ff5630',
  '#00b8d9',
  '#6554c0',
  '#ff8b00',
  '#8777d9',
  '#57d9a3',
  '#b3bac5',
  '#f99cd3',
  '#0052cc',
];

function sectorColor(index: number): string {
  return SECTOR_COLORS[index % SECTOR_COLORS.length] ?? '#b3bac5';
}

/** Members by sector as a doughnut, with the counts also in the DOM (`data-sectors`) for tests and copy. */
export function SectorChart({
  members,
  height = 280,
  legend = true,
}: {
  members: readonly ThemeMember[];
  height?: number;
  /** Off when a table beside the chart already names each color. */
  legend?: boolean;
}) {
  const { t } = useTranslation();
  const counts = useMemo(() => sectorCounts(members), [members]);
  const noSector = t('sectors.none');
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      // Below the pie: sector names are long and the card may be narrow.
      legend: { show: legend, type: 'scroll', bottom: 0 },
      color: SECTOR_COLORS,
      series: [
        {
          type: 'pie',
          radius: ['42%', '70%'],
          center: ['50%', legend ? '44%' : '50%'],
          avoidLabelOverlap: true,
          label: { show: false },
          data: counts.map(({ sector, count }) => ({
            name: sector ? renderEnum('gicsSector', sector) : noSector,
            value: count,
          })),
        },
      ],
    }),
    [counts, noSector, legend],
  );
  const summary = counts.map(({ sector, count }) => `${sector || noSector}:${count}`).join(';');
  if (counts.length === 0) return <Empty description={t('sectors.empty')} />;
  return (
    <div data-testid="sector-chart" data-sectors={summary}>
      <EChart option={option} height={height} />
    </div>
  );
}

/** The chart next to a table of the same counts (exact numbers, readable without hovering). */
export function SectorBreakdown({ members }: { members: readonly ThemeMember[] }) {
  const { t } = useTranslation();
  const counts = useMemo(() => sectorCounts(members), [members]);
  if (counts.length === 0) return <Empty description={t('sectors.empty')} />;
  return (
    <Row gutter={[16, 16]} align="middle">
      <Col xs={24} md={12}>
        <SectorChart members={members} height={260} legend={false} />
      </Col>
      <Col xs={24} md={12}>
        <Table
          size="small"
          rowKey="sector"
          pagination={false}
          data-testid="sector-counts"
          dataSource={counts}
          columns={[
            {
              title: t('themes.members.sector'),
              dataIndex: 'sector',
              key: 'sector',
              render: (sector: string, _row: unknown, index: number) => (
                <span className="sector-name">
                  <span className="sector-swatch" style={{ background: sectorColor(index) }} />
                  {sector ? renderEnum('gicsSector', sector) : t('sectors.none')}
                </span>
              ),
            },
            {
              title: t('sectors.count'),
              dataIndex: 'count',
              key: 'count',
              align: 'right' as const,
              width: 80,
            },
            {
              title: t('sectors.share'),
              key: 'share',
              align: 'right' as const,
              width: 80,
              render: (_: unknown, row: { count: number }) =>
                `${((row.count / members.length) * 100).toFixed(1)}%`,
            },
          ]}
        />
      </Col>
    </Row>
  );
}
