import { LineChartOutlined } from '@ant-design/icons';
import { Alert, Empty, Space, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { renderEnum } from '../../i18n/messages';
import { CheckButton } from './CheckButton';
import { type AlphaParityResult, type AlphaParitySymbol, decisionsApi } from './decisions-api';
import { formatScore, formatWeight, shortHash } from './model';

const ATTENTION = { color: '#d4380d' } as const;

function formatPrice(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : value.toFixed(4);
}

/** Relative differences: 0.0012 = 0.12%, with the sign. */
function formatDiff(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : ''}${(value * 100).toFixed(3)}%`;
}

const byNumber =
  (pick: (row: AlphaParitySymbol) => number | null) => (a: AlphaParitySymbol, b: AlphaParitySymbol) =>
    (pick(a) ?? Number.NEGATIVE_INFINITY) - (pick(b) ?? Number.NEGATIVE_INFINITY);

function AlphaTable({ result }: { result: AlphaParityResult }) {
  const { t } = useTranslation();
  const columns: ColumnsType<AlphaParitySymbol> = [
    {
      title: t('decisions.alpha.symbol'),
      dataIndex: 'symbol',
      fixed: 'left',
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('decisions.alpha.sector'),
      render: (_: unknown, r) => (r.sector ? renderEnum('gicsSector', r.sector) : t('decisions.noSector')),
    },
    ...(['liveWeight', 'alphaWeight'] as const).map((key) => ({
      title: t(`decisions.alpha.${key}`),
      align: 'right' as const,
      sorter: byNumber((r) => r[key]),
      render: (_: unknown, r: AlphaParitySymbol) => <span className="mono">{formatWeight(r[key])}</span>,
    })),
    {
      title: t('decisions.alpha.weightGap'),
      align: 'right',
      sorter: byNumber((r) => Math.abs(r.weightGap)),
      render: (_: unknown, r) => (
        <span className="mono" style={r.weightGap !== 0 ? ATTENTION : undefined}>
          {formatWeight(r.weightGap)}
        </span>
      ),
    },
    ...(['liveScore', 'alphaScore'] as const).map((key) => ({
      title: t(`decisions.alpha.${key}`),
      align: 'right' as const,
      render: (_: unknown, r: AlphaParitySymbol) => <span className="mono">{formatScore(r[key])}</span>,
    })),
    {
      title: t('decisions.alpha.ibClose'),
      align: 'right',
      render: (_: unknown, r) => <span className="mono">{formatPrice(r.ibClose)}</span>,
    },
    {
      title: t('decisions.alpha.alphaClose'),
      align: 'right',
      render: (_: unknown, r) => (
        <Tooltip title={r.alphaClose === null ? undefined : formatPrice(r.alphaClose)}>
          <span className="mono">{formatPrice(r.alphaAdjustedClose)}</span>
        </Tooltip>
      ),
    },
    {
      title: t('decisions.alpha.closeDiff'),
      align: 'right',
      sorter: byNumber((r) => (r.closeDiff === null ? null : Math.abs(r.closeDiff))),
      render: (_: unknown, r) => (
        <span className="mono" style={r.closeDiff ? ATTENTION : undefined}>
          {formatDiff(r.closeDiff)}
        </span>
      ),
    },
    {
      title: t('decisions.alpha.daysDiffering'),
      align: 'right',
      sorter: byNumber((r) => r.daysDiffering),
      render: (_: unknown, r) => (
        <span className="mono">
          {r.daysDiffering} / {r.days}
          {r.daysMissing > 0 ? ` (+${r.daysMissing})` : ''}
        </span>
      ),
    },
    {
      title: t('decisions.alpha.maxCloseDiff'),
      align: 'right',
      render: (_: unknown, r) => (
        <span className="mono">
          {formatDiff(r.maxCloseDiff)}
          {r.maxCloseDiffDay ? ` (${r.maxCloseDiffDay})` : ''}
        </span>
      ),
    },
  ];
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="alpha-parity-result">
      <Alert
        type={result.weightsEqual ? 'success' : 'warning'}
        showIcon
        data-alpha-equal={String(result.weightsEqual)}
        title={
          result.weightsEqual
            ? t('decisions.alpha.equal', { count: result.symbols.length })
            : t('decisions.alpha.different', { turnover: formatWeight(result.turnoverGap) })
        }
      />
      <Typography.Text type="secondary">
        {t('decisions.alpha.digest')}:{' '}
        <Tooltip title={result.alphaDataDigest}>
          <span className="mono">{shortHash(result.alphaDataDigest)}</span>
        </Tooltip>
      </Typography.Text>
      <Table<AlphaParitySymbol>
        rowKey="symbol"
        size="small"
        columns={columns}
        dataSource={result.symbols}
        scroll={{ x: true }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('decisions.alpha.empty')} /> }}
      />
    </Space>
  );
}

/** The research backtest's decision for the run's date (Alpha data) beside the live one, with the price gaps. */
export function AlphaParityButton({ runId }: { runId: number }) {
  const { t } = useTranslation();
  const load = useCallback(() => decisionsApi.parityAlpha(runId), [runId]);
  return (
    <CheckButton
      icon={<LineChartOutlined />}
      label={t('decisions.alpha.button')}
      testId="alpha-parity-button"
      load={load}
      render={(result) => <AlphaTable result={result} />}
    />
  );
}
