import { Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TradeRun } from '../../../../src/contract/execution';
import type { RunPreTradeView } from '../../../../src/contract/pretrade';
import { formatUsd } from '../../components';

type Figures = Record<string, number | string>;

const num = (figures: Figures | undefined, key: string): number | null => {
  const value = figures?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};
const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

/** One pre-trade limit as a bar of what the last check measured against the cap. */
function LimitBar({
  label,
  value,
  cap,
  format,
  testId,
}: {
  label: string;
  value: number;
  cap: number;
  format: (n: number) => string;
  testId: string;
}) {
  const used = cap > 0 ? (value / cap) * 100 : 0;
  const level = used > 100 ? 'trigger' : used >= 80 ? 'warning' : 'ok';
  return (
    <div className="risk-usage" data-testid={testId} data-level={level}>
      <Typography.Text>{label}</Typography.Text>
      <Progress
        percent={Number(Math.min(100, used).toFixed(1))}
        status={level === 'trigger' ? 'exception' : level === 'ok' ? 'success' : 'normal'}
        strokeColor={level === 'warning' ? '#faad14' : undefined}
        format={() => `${format(value)} / ${format(cap)}`}
      />
    </div>
  );
}

/**
 * Each pre-trade limit of a project as a bar of used vs cap, from the verdicts its newest checked
 * run recorded (the figures the rules measured and the limits they applied).
 */
export function PreTradeBars({ run }: { run: TradeRun | undefined }) {
  const { t, i18n } = useTranslation();
  const preTrade: RunPreTradeView | null | undefined = run?.preTrade;
  if (!run || !preTrade) {
    return <Typography.Text type="secondary">{t('risk.preTrade.none')}</Typography.Text>;
  }
  const measured = (rule: string) => preTrade.verdicts.find((v) => v.rule === rule)?.measured;
  const limit = (key: string): number | null => {
    const value = preTrade.limits[key];
    return typeof value === 'number' ? value : null;
  };
  const money = (n: number) => formatUsd(n, i18n.language, 0);
  const count = (n: number) => String(Math.round(n));
  // [test id, label key, rule, measured figure, limit, format]
  type Label =
    | 'margin'
    | 'gross'
    | 'position'
    | 'sector'
    | 'orderValue'
    | 'advShare'
    | 'priceBand'
    | 'orders';
  const table: Array<[string, Label, string, string, string, (n: number) => string]> = [
    ['margin', 'margin', 'margin', 'share', 'maxInitialMarginShare', pct],
    ['gross', 'gross', 'exposure', 'gross', 'maxGrossExposure', pct],
    ['position', 'position', 'exposure', 'largestWeight', 'maxPositionWeight', pct],
    ['sector', 'sector', 'exposure', 'largestSectorWeight', 'maxSectorWeight', pct],
    ['order-value', 'orderValue', 'fat-finger', 'largestOrderValue', 'maxOrderValue', money],
    ['adv', 'advShare', 'fat-finger', 'largestAdvShare', 'maxAdvShare', pct],
    ['price-band', 'priceBand', 'fat-finger', 'largestPriceDeviation', 'priceBand', pct],
    ['orders', 'orders', 'fat-finger', 'orders', 'maxOrdersPerRun', count],
  ];
  const bars = table.map(([key, label, rule, figure, cap, format]) => ({
    key,
    label: t(`risk.preTrade.${label}`),
    value: num(measured(rule), figure),
    cap: limit(cap),
    format,
  }));
  const funds = measured('funds');
  const cashAfter = num(funds, 'cashAfter');
  const floor = num(funds, 'floor');
  return (
    <div data-testid={`risk-pretrade-${run.projectId ?? 0}`}>
      <Typography.Text strong>
        {t('risk.preTrade.title', { run: run.id, date: run.tradingDate })}
      </Typography.Text>
      {bars.map((bar) =>
        bar.value !== null && bar.cap !== null ? (
          <LimitBar
            key={bar.key}
            label={bar.label}
            value={bar.value}
            cap={bar.cap}
            format={bar.format}
            testId={`risk-limit-${bar.key}`}
          />
        ) : null,
      )}
      {cashAfter !== null && floor !== null ? (
        <Typography.Text type={cashAfter < floor ? 'danger' : 'secondary'} data-testid="risk-limit-cash">
          {t('risk.preTrade.cash', { cashAfter: money(cashAfter), floor: money(floor) })}
        </Typography.Text>
      ) : null}
    </div>
  );
}
