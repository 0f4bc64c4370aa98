import { Card, Col, Row, Statistic, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BacktestStats, PerformanceStats } from '../../api';
import { pct, ratio, signedPct, tone } from './format';

type StatKey =
  | 'cagr'
  | 'volatility'
  | 'sharpe'
  | 'sortino'
  | 'maxDrawdown'
  | 'turnover'
  | 'hitRate'
  | 'excess';

interface StatCard {
  key: StatKey;
  value: string;
  /** The benchmark's figure where it has one. */
  benchmark?: string;
  tone?: 'up' | 'down' | 'flat';
}

export function statCards(stats: BacktestStats, benchmark: PerformanceStats): StatCard[] {
  const excess = stats.cagr - benchmark.cagr;
  return [
    { key: 'cagr', value: pct(stats.cagr), benchmark: pct(benchmark.cagr), tone: tone(stats.cagr) },
    { key: 'volatility', value: pct(stats.volatility), benchmark: pct(benchmark.volatility) },
    {
      key: 'sharpe',
      value: ratio(stats.sharpe),
      benchmark: ratio(benchmark.sharpe),
      tone: tone(stats.sharpe),
    },
    {
      key: 'sortino',
      value: ratio(stats.sortino),
      benchmark: ratio(benchmark.sortino),
      tone: tone(stats.sortino),
    },
    {
      key: 'maxDrawdown',
      value: pct(stats.maxDrawdown),
      benchmark: pct(benchmark.maxDrawdown),
      tone: 'down',
    },
    { key: 'turnover', value: pct(stats.turnoverPerRebalance) },
    { key: 'hitRate', value: pct(stats.hitRate, 1) },
    { key: 'excess', value: signedPct(excess), benchmark: pct(benchmark.totalReturn), tone: tone(excess) },
  ];
}

/** The headline figures, each with the equal-weight benchmark's figure beneath for comparison. */
export function StatCards({ stats, benchmark }: { stats: BacktestStats; benchmark: PerformanceStats }) {
  const { t } = useTranslation();
  return (
    <Row gutter={[12, 12]} className="stat-row" data-testid="stat-cards">
      {statCards(stats, benchmark).map((card) => (
        <Col key={card.key} xs={12} md={6} xxl={3}>
          <Card
            variant="borderless"
            className="content-card stat-card"
            data-testid={`stat-${card.key}`}
            data-value={card.value}
          >
            <Tooltip title={t(`reports.stats.help.${card.key}`)}>
              <div>
                <Statistic
                  title={t(`reports.stats.${card.key}`)}
                  value={card.value}
                  className={
                    card.tone === 'up' ? 'value-up' : card.tone === 'down' ? 'value-down' : undefined
                  }
                />
              </div>
            </Tooltip>
            <div className="stat-benchmark">
              {card.benchmark === undefined
                ? t('reports.stats.noBenchmark')
                : card.key === 'excess'
                  ? t('reports.stats.benchmarkTotal', { value: card.benchmark })
                  : t('reports.stats.benchmarkValue', { value: card.benchmark })}
            </div>
          </Card>
        </Col>
      ))}
    </Row>
  );
}
