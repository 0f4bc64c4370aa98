import { Alert, Empty, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RiskFindingView, RuleVerdictView, RunPreTradeView } from '../../../../src/contract/pretrade';
import { DETAIL_STYLE, formatInteger, formatPrice, formatTime } from './model';

/** Measured figures and finding parameters that are shares of something: shown as percentages. */
const FRACTIONS = new Set([
  'share',
  'weight',
  'gross',
  'band',
  'largestWeight',
  'largestSectorWeight',
  'largestAdvShare',
  'largestPriceDeviation',
]);
/** Money figures, in the account currency. */
const MONEY = new Set([
  'cashBefore',
  'bought',
  'sold',
  'cashAfter',
  'floor',
  'initMarginAfter',
  'equityWithLoanAfter',
  'largestOrderValue',
  'value',
  'price',
  'previousClose',
]);
/** Findings whose `cap` is a share (the others cap money, shares or a count). */
const FRACTION_CAPS = new Set([
  'risk.margin.above-cap',
  'risk.exposure.position-weight',
  'risk.exposure.sector-weight',
  'risk.exposure.gross',
  'risk.fat-finger.volume-share',
]);

function formatFigure(key: string, value: number | string, fractionCap = false): string {
  if (typeof value !== 'number') return value;
  if (FRACTIONS.has(key) || (key === 'cap' && fractionCap)) return `${(value * 100).toFixed(2)}%`;
  if (MONEY.has(key)) return formatPrice(value);
  return Number.isInteger(value) ? formatInteger(value) : String(value);
}

/** A finding as a sentence in the UI language, its numbers formatted. */
export function findingText(t: TFunction, finding: RiskFindingView): string {
  const fractionCap = FRACTION_CAPS.has(finding.code);
  const params: Record<string, string> = { symbol: finding.symbol ?? '' };
  for (const [key, value] of Object.entries(finding.params))
    params[key] = formatFigure(key, value, fractionCap);
  const key = `pretrade.findings.${finding.code.replace(/^risk\./, '')}`;
  return t(key, { ...params, defaultValue: t('pretrade.unknownFinding', { code: finding.code }) });
}

/** Every pre-trade rule's verdict of the run, with what it measured and why it failed. */
export function PreTradeChecks({ preTrade }: { preTrade: RunPreTradeView | null | undefined }) {
  const { t } = useTranslation();
  if (!preTrade) return <Empty description={t('pretrade.notChecked')} />;
  const columns: ColumnsType<RuleVerdictView> = [
    {
      title: t('pretrade.columns.rule'),
      dataIndex: 'rule',
      render: (rule: RuleVerdictView['rule']) => t(`pretrade.rules.${rule}`),
    },
    {
      title: t('pretrade.columns.result'),
      dataIndex: 'passed',
      render: (passed: boolean) =>
        passed ? (
          <Tag color="success">{t('pretrade.passed')}</Tag>
        ) : (
          <Tag color="error">{t('pretrade.failed')}</Tag>
        ),
    },
    {
      title: t('pretrade.columns.measured'),
      render: (_: unknown, verdict) => (
        <div style={DETAIL_STYLE}>
          {Object.entries(verdict.measured).map(([key, value]) => (
            <div key={key}>
              {t(`pretrade.measured.${key}`, { defaultValue: key })}:{' '}
              <span className="mono">
                {formatFigure(key, value, verdict.rule === 'margin' && key === 'cap')}
              </span>
            </div>
          ))}
        </div>
      ),
    },
    {
      title: t('pretrade.columns.evidence'),
      render: (_: unknown, verdict) =>
        verdict.findings.length === 0 ? null : (
          <ul style={{ margin: 0, paddingInlineStart: 16 }}>
            {verdict.findings.map((finding) => (
              <li key={`${finding.code}|${finding.symbol ?? ''}|${JSON.stringify(finding.params)}`}>
                {findingText(t, finding)}
              </li>
            ))}
          </ul>
        ),
    },
  ];
  return (
    <>
      <Typography.Text type="secondary">
        {t('pretrade.checkedAt', { time: formatTime(preTrade.checkedAt), orders: preTrade.orders })}
      </Typography.Text>
      <Table
        data-testid="live-pretrade-verdicts"
        size="small"
        rowKey="rule"
        pagination={false}
        columns={columns}
        dataSource={preTrade.verdicts}
      />
    </>
  );
}

/** The banner of a BLOCKED run: nothing was sent, and which rules failed. */
export function BlockedBanner({ preTrade }: { preTrade: RunPreTradeView | null | undefined }) {
  const { t } = useTranslation();
  const failed = (preTrade?.verdicts ?? []).filter((v) => !v.passed);
  return (
    <Alert
      type="warning"
      showIcon
      className="page-notice"
      data-testid="live-run-blocked"
      title={t('pretrade.blocked', {
        rules: failed.map((v) => t(`pretrade.rules.${v.rule}`)).join(t('pretrade.listSeparator')),
      })}
    />
  );
}
