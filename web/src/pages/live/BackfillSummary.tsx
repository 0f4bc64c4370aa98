import { Alert, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ibReasonLine } from './ib-reason';
import type { BackfillReport } from './live-api';

/** What a finished backfill did: chunks fetched, already stored, pacing retries, failures, bars. */
export function BackfillSummary({ report }: { report: BackfillReport }) {
  const { t } = useTranslation();
  return (
    <Alert
      data-testid="live-backfill-result"
      type={report.failures.length > 0 ? 'warning' : 'success'}
      showIcon
      title={t('liveTrading.bars.backfillDone', {
        fetched: report.stored + report.empty,
        skipped: report.skipped,
        retries: report.pacingRetries,
      })}
      description={
        <Space orientation="vertical" size={4}>
          <Typography.Text type="secondary">
            {t('liveTrading.bars.backfillBars')}:{' '}
            <span className="mono">{report.bars.map((b) => `${b.symbol} ${b.bars}`).join(' · ')}</span>
          </Typography.Text>
          {report.failures.length > 0 ? (
            <>
              <Typography.Text type="danger">
                {t('liveTrading.bars.backfillFailures', { count: report.failures.length })}
              </Typography.Text>
              {report.failures.map((f) => (
                <Typography.Text key={`${f.symbol}|${f.key}`} className="mono">
                  {f.symbol} {f.key}: {ibReasonLine(f.reasonCode, f.error, false)}
                </Typography.Text>
              ))}
            </>
          ) : null}
        </Space>
      }
    />
  );
}
