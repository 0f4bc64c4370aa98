import { Alert, Empty, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { RiskFindingView, RuleVerdictView, RunPreTradeView } from '../../../../src/contract/pretrade';
import {
  type FindingFormat,
  findingParams,
  formatFigure,
  measuredIsFraction,
} from '../../../../src/contract/pretrade-texts';
import { renderEnum } from '../../i18n/messages';
import { DETAIL_STYLE, formatInteger, formatPrice, formatTime } from './model';

/** Figures in the page's formats; enum values (side, mode, sector) in the UI language. */
const FORMAT: FindingFormat = { money: formatPrice, integer: formatInteger, enumValue: renderEnum };

/** A finding as a sentence in the UI language, its numbers formatted (texts shared with the alerts). */
export function findingText(t: TFunction, finding: RiskFindingView): string {
  const key = `pretrade.findings.${finding.code.replace(/^risk\./, '')}`;
  return t(key, {
    ...findingParams(finding, FORMAT),
    defaultValue: t('pretrade.unknownFinding', { code: finding.code }),
  });
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
                {formatFigure(key, value, measuredIsFraction(verdict.rule, key), FORMAT)}
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
