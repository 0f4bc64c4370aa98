import { ArrowLeftOutlined, DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BacktestDetail, ExitTrade, RebalanceHolding, RebalanceTrade } from '../../api';
import { integer, money, pct, shortHash } from './format';
import { DrawdownChart, EquityChart, MonthlyHeatmap, SectorExposureChart } from './ReportCharts';
import { EXPORT_KINDS, errorText, exportUrl, type Failure, researchApi } from './researchApi';
import { StatCards } from './StatCards';

export function ReportView({
  id,
  projectName,
  onBack,
}: {
  id: number;
  projectName: (id: number | null) => string;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const [detail, setDetail] = useState<BacktestDetail | null>(null);
  const [error, setError] = useState<Failure | null>(null);

  useEffect(() => {
    let cancelled = false;
    setDetail(null);
    setError(null);
    researchApi
      .backtest(id)
      .then((answer) => {
        if (!cancelled) setDetail(answer);
      })
      .catch((failure: unknown) => {
        if (!cancelled) setError({ reason: failure });
      });
    return () => {
      cancelled = true;
    };
  }, [id]);

  const back = (
    <Button icon={<ArrowLeftOutlined />} onClick={onBack} data-testid="report-back">
      {t('reports.report.back')}
    </Button>
  );
  if (error) {
    return (
      <Space orientation="vertical" className="full-width">
        {back}
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(error.reason) })} />
      </Space>
    );
  }
  if (!detail) return <Spin description={t('common.loading')} />;

  const { backtest, report } = detail;
  return (
    <div data-testid="report-view" data-backtest={backtest.id}>
      <Card variant="borderless" className="content-card report-meta">
        <Space className="full-width" style={{ justifyContent: 'space-between' }} wrap>
          {back}
          <Space wrap className="export-buttons" data-testid="report-exports">
            {EXPORT_KINDS.map((kind) => (
              <Button
                key={kind}
                icon={<DownloadOutlined />}
                href={exportUrl(backtest.id, kind)}
                download={`backtest-${backtest.id}-${kind}.csv`}
                data-testid={`export-${kind}`}
              >
                {t(`reports.report.exports.${kind}`)}
              </Button>
            ))}
          </Space>
        </Space>
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 4 }} className="report-descriptions">
          <Descriptions.Item label={t('reports.columns.id')}>#{backtest.id}</Descriptions.Item>
          <Descriptions.Item label={t('reports.columns.project')}>
            {projectName(backtest.projectId)}
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.columns.projectVersion')}>
            {backtest.projectVersion === null ? '–' : `v${backtest.projectVersion}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.columns.model')}>
            <Tooltip title={backtest.modelVersion}>
              <span className="mono">{shortHash(backtest.modelVersion)}</span>
            </Tooltip>
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.columns.period')}>
            <span className="mono">
              {report.start} → {report.end}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.report.symbols')}>{report.symbols}</Descriptions.Item>
          <Descriptions.Item label={t('reports.report.rebalances')}>
            {report.stats.rebalances}
          </Descriptions.Item>
          <Descriptions.Item label={t('reports.report.exits')}>
            <span data-testid="report-exits-count">{report.stats.exits}</span>
          </Descriptions.Item>
          {report.index ? (
            <Descriptions.Item label={t('reports.report.index')}>
              <span data-testid="report-index">
                {t('reports.report.indexFigures', {
                  symbol: report.index.symbol,
                  cagr: pct(report.index.stats.cagr),
                  maxDrawdown: pct(report.index.stats.maxDrawdown),
                })}
              </span>
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t('reports.report.resultHash')}>
            <Tooltip title={backtest.resultHash}>
              <span className="mono">{shortHash(backtest.resultHash, 12)}</span>
            </Tooltip>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <StatCards stats={report.stats} benchmark={report.benchmark} />
      <Card
        variant="borderless"
        className="content-card section-card"
        title={t('reports.charts.equityTitle')}
      >
        <EquityChart report={report} />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card
            variant="borderless"
            className="content-card section-card"
            title={t('reports.charts.drawdownTitle')}
          >
            <DrawdownChart report={report} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            variant="borderless"
            className="content-card section-card"
            title={t('reports.charts.sectorsTitle')}
          >
            {report.sectorExposure.dates.length > 0 ? (
              <SectorExposureChart report={report} />
            ) : (
              <Empty description={t('reports.report.noRebalances')} />
            )}
          </Card>
        </Col>
      </Row>
      <MonthlyCard report={report} />
      <RebalanceCard detail={detail} />
      {report.exits.length > 0 ? <ExitsCard exits={report.exits} /> : null}
    </div>
  );
}

/** Holdings sold at their last close because the symbol stopped trading (delisted, merged, data ends). */
function ExitsCard({ exits }: { exits: ExitTrade[] }) {
  const { t } = useTranslation();
  const columns: ColumnsType<ExitTrade> = [
    { title: t('reports.rebalance.date'), dataIndex: 'date', sorter: (a, b) => a.date.localeCompare(b.date) },
    {
      title: t('reports.data.columns.symbol'),
      dataIndex: 'symbol',
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('reports.rebalance.quantity'),
      dataIndex: 'quantity',
      align: 'right',
      render: (quantity: number) => integer(Math.abs(quantity)),
    },
    { title: t('reports.rebalance.price'), dataIndex: 'price', align: 'right', render: money },
    {
      title: t('reports.rebalance.value'),
      key: 'value',
      align: 'right',
      render: (_: unknown, exit) => money(Math.abs(exit.quantity * exit.price)),
    },
    { title: t('reports.rebalance.commission'), dataIndex: 'commission', align: 'right', render: money },
  ];
  return (
    <Card
      variant="borderless"
      className="content-card section-card"
      title={t('reports.exits.title', { count: exits.length })}
    >
      <Alert type="info" showIcon title={t('reports.exits.policy')} className="section-alert" />
      <Table<ExitTrade>
        size="small"
        rowKey={(exit) => `${exit.date}:${exit.symbol}`}
        data-testid="report-exits"
        columns={columns}
        dataSource={exits}
        pagination={exits.length > 15 ? { pageSize: 15 } : false}
      />
    </Card>
  );
}

function MonthlyCard({ report }: { report: BacktestDetail['report'] }) {
  const { t } = useTranslation();
  const [which, setWhich] = useState<'strategy' | 'benchmark'>('strategy');
  const rows = report.monthly[which];
  return (
    <Card
      variant="borderless"
      className="content-card section-card"
      title={t('reports.charts.monthlyTitle')}
      extra={
        <Select
          value={which}
          onChange={setWhich}
          style={{ width: 160 }}
          options={[
            { value: 'strategy', label: t('reports.charts.strategy') },
            { value: 'benchmark', label: t('reports.charts.benchmark') },
          ]}
        />
      }
    >
      {rows.length > 0 ? <MonthlyHeatmap rows={rows} testId="chart-monthly" /> : <Empty />}
    </Card>
  );
}

function RebalanceCard({ detail }: { detail: BacktestDetail }) {
  const { t } = useTranslation();
  const rebalances = detail.report.rebalances;
  const [index, setIndex] = useState(rebalances.length - 1);
  const rebalance = rebalances[index];
  const options = useMemo(
    () => rebalances.map((entry, position) => ({ value: position, label: entry.date })),
    [rebalances],
  );

  const holdingColumns: ColumnsType<RebalanceHolding> = [
    {
      title: t('reports.data.columns.symbol'),
      dataIndex: 'symbol',
      sorter: (a, b) => a.symbol.localeCompare(b.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('reports.rebalance.shares'),
      dataIndex: 'shares',
      align: 'right',
      sorter: (a, b) => a.shares - b.shares,
      render: integer,
    },
    {
      title: t('reports.rebalance.weight'),
      dataIndex: 'weight',
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: (a, b) => a.weight - b.weight,
      render: (weight: number) => pct(weight),
    },
  ];
  const tradeColumns: ColumnsType<RebalanceTrade> = [
    {
      title: t('reports.data.columns.symbol'),
      dataIndex: 'symbol',
      sorter: (a, b) => a.symbol.localeCompare(b.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('reports.rebalance.side'),
      key: 'side',
      filters: [
        { text: t('reports.rebalance.buy'), value: 'buy' },
        { text: t('reports.rebalance.sell'), value: 'sell' },
      ],
      onFilter: (value, trade) => (value === 'buy' ? trade.quantity > 0 : trade.quantity < 0),
      render: (_: unknown, trade) =>
        trade.quantity > 0 ? (
          <Tag color="green">{t('reports.rebalance.buy')}</Tag>
        ) : (
          <Tag color="red">{t('reports.rebalance.sell')}</Tag>
        ),
    },
    {
      title: t('reports.rebalance.quantity'),
      dataIndex: 'quantity',
      align: 'right',
      sorter: (a, b) => Math.abs(a.quantity) - Math.abs(b.quantity),
      render: (quantity: number) => integer(Math.abs(quantity)),
    },
    { title: t('reports.rebalance.price'), dataIndex: 'price', align: 'right', render: money },
    {
      title: t('reports.rebalance.value'),
      key: 'value',
      align: 'right',
      sorter: (a, b) => Math.abs(a.quantity * a.price) - Math.abs(b.quantity * b.price),
      render: (_: unknown, trade) => money(Math.abs(trade.quantity * trade.price)),
    },
    { title: t('reports.rebalance.commission'), dataIndex: 'commission', align: 'right', render: money },
  ];

  return (
    <Card
      variant="borderless"
      className="content-card section-card"
      title={t('reports.rebalance.title')}
      extra={
        rebalances.length > 0 ? (
          <Space>
            <span>{t('reports.rebalance.pick')}</span>
            <Select
              showSearch
              value={index}
              onChange={setIndex}
              options={options}
              style={{ width: 150 }}
              data-testid="rebalance-pick"
            />
          </Space>
        ) : null
      }
    >
      {rebalance ? (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 2, xl: 5 }} data-testid="rebalance-summary">
            <Descriptions.Item label={t('reports.rebalance.date')}>{rebalance.date}</Descriptions.Item>
            <Descriptions.Item label={t('reports.rebalance.decisionDate')}>
              {rebalance.decisionDate}
            </Descriptions.Item>
            <Descriptions.Item label={t('reports.rebalance.equity')}>
              {money(rebalance.equity)}
            </Descriptions.Item>
            <Descriptions.Item label={t('reports.rebalance.turnover')}>
              {pct(rebalance.turnover)}
            </Descriptions.Item>
            <Descriptions.Item label={t('reports.rebalance.commission')}>
              {money(rebalance.commission)}
            </Descriptions.Item>
          </Descriptions>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={10}>
              <Table<RebalanceHolding>
                title={() => t('reports.rebalance.holdings', { count: rebalance.holdings.length })}
                size="small"
                rowKey="symbol"
                data-testid="rebalance-holdings"
                columns={holdingColumns}
                dataSource={rebalance.holdings}
                pagination={rebalance.holdings.length > 15 ? { pageSize: 15 } : false}
              />
            </Col>
            <Col xs={24} xl={14}>
              <Table<RebalanceTrade>
                title={() => t('reports.rebalance.trades', { count: rebalance.trades.length })}
                size="small"
                rowKey={(trade) => `${trade.symbol}:${trade.quantity}`}
                data-testid="rebalance-trades"
                columns={tradeColumns}
                dataSource={rebalance.trades}
                pagination={rebalance.trades.length > 15 ? { pageSize: 15 } : false}
              />
            </Col>
          </Row>
        </>
      ) : (
        <Empty description={t('reports.report.noRebalances')} />
      )}
    </Card>
  );
}
