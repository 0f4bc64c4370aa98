import { Alert, Col, Empty, Row, Segmented, Space, Typography } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountHistory, HistoryRange } from '../../api';
import { EChart, errorText } from '../../components';
import { accountApi, formatPercent } from './account-api';
import { useReread } from './useReread';

const RANGES: readonly HistoryRange[] = ['1W', '1M', '3M', 'YTD', 'ALL'];
const HEIGHT = 260;
/** Snapshots arrive every few minutes: re-read the history about as often. */
const REREAD_EVERY_MS = 60_000;
const COLORS = ['#2f6bff', '#36b37e', '#ffab00', '#ff5630', '#00b8d9', '#6554c0', '#ff8b00', '#8777d9'];

function localTime(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function Chart({
  title,
  option,
  testId,
}: {
  title: string;
  option: Record<string, unknown>;
  testId: string;
}) {
  return (
    <div data-testid={testId}>
      <Typography.Text strong>{title}</Typography.Text>
      <EChart option={option} height={HEIGHT} />
    </div>
  );
}

/** The live equity curve, drawdown, exposure by sector and daily PnL over a selectable range. */
export function AccountCharts() {
  const { t } = useTranslation();
  const [range, setRange] = useState<HistoryRange>('1M');
  const fetchHistory = useCallback(() => accountApi.history(range).then((answer) => answer.history), [range]);
  const [state] = useReread<AccountHistory>(fetchHistory, REREAD_EVERY_MS);

  const history = state.kind === 'ready' ? state.data : null;
  const noSector = t('account.positions.noSector');
  const options = useMemo(() => {
    if (!history) return null;
    const times = history.equity.map((p) => localTime(p.time));
    const grid = { left: 64, right: 16, top: 32, bottom: 32 };
    const percentAxis = { type: 'value', axisLabel: { formatter: (v: number) => formatPercent(v, 0) } };
    return {
      equity: {
        tooltip: { trigger: 'axis' },
        grid,
        xAxis: { type: 'category', data: times, boundaryGap: false },
        yAxis: { type: 'value', scale: true },
        series: [
          {
            name: t('account.charts.netLiquidation'),
            type: 'line',
            showSymbol: times.length < 40,
            data: history.equity.map((p) => Math.round(p.netLiquidation * 100) / 100),
            itemStyle: { color: COLORS[0] },
          },
        ],
      },
      drawdown: {
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatPercent(v) },
        grid,
        xAxis: { type: 'category', data: times, boundaryGap: false },
        yAxis: { ...percentAxis, max: 0 },
        series: [
          {
            name: t('account.charts.drawdown'),
            type: 'line',
            showSymbol: false,
            areaStyle: { opacity: 0.3 },
            data: history.equity.map((p) => p.drawdown),
            itemStyle: { color: '#cf1322' },
          },
        ],
      },
      exposure: {
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatPercent(v) },
        legend: { top: 0, type: 'scroll' },
        grid: { ...grid, top: 40 },
        xAxis: { type: 'category', data: history.exposure.map((p) => localTime(p.time)), boundaryGap: false },
        yAxis: percentAxis,
        series: history.sectors.map((sector, i) => ({
          name: sector || noSector,
          type: 'line',
          stack: 'exposure',
          showSymbol: false,
          areaStyle: {},
          data: history.exposure.map((p) => p.weights[sector] ?? 0),
          itemStyle: { color: COLORS[i % COLORS.length] },
        })),
      },
      dailyPnl: {
        tooltip: { trigger: 'axis' },
        grid,
        xAxis: { type: 'category', data: history.dailyPnl.map((d) => d.day) },
        yAxis: { type: 'value' },
        series: [
          {
            name: t('account.charts.dailyPnl'),
            type: 'bar',
            barMaxWidth: 24,
            data: history.dailyPnl.map((d) => ({
              value: d.pnl,
              itemStyle: { color: d.pnl >= 0 ? '#389e0d' : '#cf1322' },
            })),
          },
        ],
      },
    };
  }, [history, t, noSector]);

  return (
    <div data-testid="account-charts" style={{ marginTop: 24 }}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('account.charts.title')}
        </Typography.Title>
        <Segmented<HistoryRange>
          data-testid="account-range"
          value={range}
          onChange={setRange}
          options={RANGES.map((r) => ({ value: r, label: t(`account.charts.ranges.${r}`) }))}
        />
        {history && history.equity.length > 0 ? (
          <Typography.Text type="secondary" data-testid="account-max-drawdown">
            {t('account.charts.maxDrawdown', { value: formatPercent(history.maxDrawdown) })}
          </Typography.Text>
        ) : null}
      </Space>
      {state.kind === 'failed' ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(state.reason) })} />
      ) : null}
      {history && history.equity.length === 0 ? (
        <Empty data-testid="account-charts-empty" description={t('account.charts.empty')} />
      ) : null}
      {options && history && history.equity.length > 0 ? (
        <Row gutter={[24, 24]}>
          {(['equity', 'drawdown', 'exposure', 'dailyPnl'] as const).map((key) => (
            <Col key={key} xs={24} lg={12}>
              <Chart
                title={t(`account.charts.${key}`)}
                option={options[key]}
                testId={`account-chart-${key}`}
              />
            </Col>
          ))}
        </Row>
      ) : null}
    </div>
  );
}
