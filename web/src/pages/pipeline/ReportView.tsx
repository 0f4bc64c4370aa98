import { Descriptions, Table } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PostTradeSymbolView } from '../../../../src/contract/pipeline';
import { EChart } from '../../components';

type SymbolRow = PostTradeSymbolView;

const pct = (value: unknown) => (typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : '-');
const num = (value: unknown, digits = 2) => (typeof value === 'number' ? value.toFixed(digits) : '-');

function barOption(
  categories: string[],
  series: Array<{ name: string; values: Array<number | null> }>,
  unit: string,
) {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 56, right: 16, top: 36, bottom: 48 },
    xAxis: {
      type: 'category',
      data: categories,
      axisLabel: { interval: 0, rotate: categories.length > 12 ? 45 : 0, fontFamily: 'monospace' },
    },
    yAxis: { type: 'value', axisLabel: { formatter: `{value}${unit}` } },
    series: series.map((s) => ({ name: s.name, type: 'bar', data: s.values, barMaxWidth: 28 })),
  };
}

/**
 * The post-trade report of a run: the totals, target against filled per symbol (weights, as a chart
 * and in shares in the table), and slippage by symbol in basis points against the arrival price and
 * the decision's price.
 */
export function ReportView({ report }: { report: Record<string, unknown> }) {
  const { t } = useTranslation();
  const symbols = useMemo(
    () => (Array.isArray(report.symbols) ? (report.symbols as SymbolRow[]) : []),
    [report],
  );
  const weights = useMemo(
    () =>
      barOption(
        symbols.map((s) => s.symbol),
        [
          {
            name: t('pipeline.report.targetWeight'),
            values: symbols.map((s) => +(s.targetWeight * 100).toFixed(2)),
          },
          {
            name: t('pipeline.report.filledWeight'),
            values: symbols.map((s) => +(s.filledWeight * 100).toFixed(2)),
          },
        ],
        '%',
      ),
    [symbols, t],
  );
  const slippage = useMemo(
    () =>
      barOption(
        symbols.map((s) => s.symbol),
        [
          { name: t('pipeline.report.vsArrival'), values: symbols.map((s) => s.slippageVsArrivalBps) },
          { name: t('pipeline.report.vsDecision'), values: symbols.map((s) => s.slippageVsDecisionBps) },
        ],
        '',
      ),
    [symbols, t],
  );
  return (
    <div data-testid="pipeline-report">
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t('pipeline.report.orders')}>{num(report.orders, 0)}</Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.filled')}>
          {num(report.filledOrders, 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.leftovers')}>
          {num(report.leftoverOrders, 0)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.commissions')}>
          {num(report.commissions)}
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.turnover')}>{pct(report.turnover)}</Descriptions.Item>
        <Descriptions.Item label={t('pipeline.report.slippage')}>
          {num(report.slippageVsArrivalBps)} / {num(report.slippageVsDecisionBps)}
        </Descriptions.Item>
      </Descriptions>
      {symbols.length > 0 ? (
        <>
          <div data-testid="pipeline-report-weights">
            <h4>{t('pipeline.report.weightsChart')}</h4>
            <EChart option={weights} height={260} />
          </div>
          <div data-testid="pipeline-report-slippage">
            <h4>{t('pipeline.report.slippageChart')}</h4>
            <EChart option={slippage} height={220} />
          </div>
        </>
      ) : null}
      <Table<SymbolRow>
        size="small"
        rowKey="symbol"
        pagination={false}
        dataSource={symbols}
        columns={[
          { title: t('pipeline.order.symbol'), dataIndex: 'symbol' },
          { title: t('pipeline.report.targetShares'), dataIndex: 'targetShares' },
          { title: t('pipeline.report.filledShares'), dataIndex: 'filledShares' },
          { title: t('pipeline.report.leftoverShares'), dataIndex: 'leftoverShares' },
          { title: t('pipeline.report.targetWeight'), dataIndex: 'targetWeight', render: pct },
          { title: t('pipeline.report.filledWeight'), dataIndex: 'filledWeight', render: pct },
          {
            title: t('pipeline.report.slippageBps'),
            dataIndex: 'slippageVsArrivalBps',
            render: (v) => num(v),
          },
          { title: t('pipeline.report.commission'), dataIndex: 'commission', render: (v) => num(v) },
        ]}
      />
    </div>
  );
}
