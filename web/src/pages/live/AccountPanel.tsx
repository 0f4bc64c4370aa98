import { Alert, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountFigures, AccountPosition, AccountView } from '../../api';
import { useServerEvent } from '../../events';
import { renderEnum } from '../../i18n/messages';
import { AccountCharts } from './AccountCharts';
import { accountApi, formatMoney, formatPercent, pnlColor } from './account-api';
import { byNumber, byText, errorText, formatInteger, formatPrice, formatTime, type Loadable } from './model';
import { useReread } from './useReread';

/** Other replicas (and a missed event) are caught up by re-reading this often. */
const REREAD_EVERY_MS = 30_000;

const FIGURES: ReadonlyArray<keyof AccountFigures> = [
  'netLiquidation',
  'totalCash',
  'buyingPower',
  'availableFunds',
  'excessLiquidity',
  'initMargin',
  'maintMargin',
  'grossPositionValue',
  'dailyPnl',
  'unrealizedPnl',
  'realizedPnl',
];
const PNL_FIGURES = new Set<keyof AccountFigures>(['dailyPnl', 'unrealizedPnl', 'realizedPnl']);

function pnlText(value: number): ReactNode {
  return <span style={{ color: pnlColor(value) }}>{formatMoney(value)}</span>;
}

const fetchAccount = () => accountApi.account().then((answer) => answer.account);

function useAccount(): Loadable<AccountView | null> {
  const [state, setState] = useReread<AccountView | null>(fetchAccount, REREAD_EVERY_MS);
  useServerEvent('account.update', (data) => setState({ kind: 'ready', data }));
  return state;
}

/** Balances, margin, PnL and positions, live over the event stream; equity and risk charts below. */
export function AccountPanel() {
  const { t } = useTranslation();
  const state = useAccount();
  const view = state.kind === 'ready' ? state.data : null;

  const numeric = (
    key: 'quantity' | 'avgCost' | 'marketPrice' | 'marketValue' | 'unrealizedPnl' | 'realizedPnl',
    render: (value: number) => ReactNode,
    sortable = false,
  ): ColumnsType<AccountPosition>[number] => ({
    title: t(`account.positions.${key}`),
    dataIndex: key,
    align: 'right',
    ...(sortable ? { sorter: byNumber((p: AccountPosition) => p[key]) } : {}),
    render,
  });
  const columns: ColumnsType<AccountPosition> = [
    {
      title: t('account.positions.symbol'),
      dataIndex: 'symbol',
      sorter: byText((p) => p.symbol),
      render: (symbol: string) => <Typography.Text code>{symbol}</Typography.Text>,
    },
    numeric('quantity', formatInteger, true),
    numeric('avgCost', formatPrice),
    numeric('marketPrice', formatPrice),
    numeric('marketValue', formatMoney, true),
    numeric('unrealizedPnl', pnlText, true),
    numeric('realizedPnl', pnlText),
    {
      title: t('account.positions.weight'),
      dataIndex: 'weight',
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: byNumber((p) => p.weight),
      render: (v: number) => formatPercent(v),
    },
    {
      title: t('account.positions.sector'),
      dataIndex: 'sector',
      sorter: byText((p) => p.sector),
      render: (v: string) => (v ? renderEnum('gicsSector', v) : t('account.positions.noSector')),
    },
  ];

  return (
    <Card
      variant="borderless"
      className="content-card"
      title={t('account.title')}
      data-testid="account-panel"
      extra={
        view ? (
          <Space size="small" wrap>
            <Tag color={view.source === 'live' ? 'success' : 'default'} data-testid="account-source">
              {t(`account.source.${view.source}`)}
            </Tag>
            <Typography.Text type="secondary">
              {t('account.accountLabel', { account: view.account, currency: view.currency })}
            </Typography.Text>
            <Typography.Text type="secondary">
              {t('account.asOf', { time: formatTime(view.time) })}
            </Typography.Text>
          </Space>
        ) : null
      }
    >
      {state.kind === 'failed' ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(state.reason) })} />
      ) : null}
      {state.kind === 'ready' && !view ? (
        <Empty data-testid="account-empty" description={t('account.empty')} />
      ) : null}
      {view ? (
        <>
          <Row gutter={[16, 16]} data-testid="account-figures">
            {FIGURES.map((key) => {
              const value = view.figures[key];
              return (
                <Col key={key} xs={12} sm={8} md={6} xl={4}>
                  <Statistic
                    title={t(`account.figures.${key}`)}
                    value={formatMoney(value)}
                    styles={PNL_FIGURES.has(key) ? { content: { color: pnlColor(value) } } : undefined}
                    data-testid={`account-figure-${key}`}
                  />
                </Col>
              );
            })}
          </Row>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('account.positions.title')}
          </Typography.Title>
          <Table<AccountPosition>
            data-testid="account-positions"
            rowKey="symbol"
            size="small"
            pagination={false}
            scroll={{ x: true }}
            columns={columns}
            dataSource={view.positions}
            locale={{ emptyText: t('account.positions.empty') }}
          />
        </>
      ) : null}
      <AccountCharts />
    </Card>
  );
}
