import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Input, Row, Statistic, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type CoverageGap, type SymbolCoverage } from '../../api';
import { PageHeader, SyntheticDataNotice } from '../../components';
import { useServerEvent } from '../../events';
import { renderEnum } from '../../i18n/messages';
import { integer } from '../reports/format';
import { errorText, type Failure, researchApi } from '../reports/researchApi';
import { CoverageTimeline } from './CoverageTimeline';
import { FetchCard } from './FetchCard';
import { ImportCard } from './ImportCard';
import '../reports/research.css';

// The failure, not its text, so the message follows a language switch.
type LoadError = { kind: 'unavailable' } | ({ kind: 'failed' } & Failure);

const byText = (pick: (entry: SymbolCoverage) => string) => (a: SymbolCoverage, b: SymbolCoverage) =>
  pick(a).localeCompare(pick(b));

export function DataPage() {
  const { t } = useTranslation();
  const [symbols, setSymbols] = useState<SymbolCoverage[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<LoadError | null>(null);
  const [query, setQuery] = useState('');

  const reload = useCallback(() => {
    setLoading(true);
    researchApi
      .coverage()
      .then((answer) => {
        setSymbols(answer.symbols);
        setLoadError(null);
      })
      .catch((error: unknown) => {
        setLoadError(
          error instanceof ApiError && error.status === 503
            ? { kind: 'unavailable' }
            : { kind: 'failed', reason: error },
        );
      })
      .finally(() => setLoading(false));
  }, []);

  useEffect(reload, [reload]);
  useServerEvent('hello', reload);

  const visible = useMemo(() => {
    const needle = query.trim().toLowerCase();
    if (!symbols || needle === '') return symbols ?? [];
    return symbols.filter((entry) =>
      [entry.symbol, entry.name, entry.sector].some((text) => text.toLowerCase().includes(needle)),
    );
  }, [symbols, query]);

  const summary = useMemo(() => {
    const list = symbols ?? [];
    const firsts = list.map((entry) => entry.first).sort();
    const lasts = list.map((entry) => entry.last).sort();
    return {
      symbols: list.length,
      rows: list.reduce((sum, entry) => sum + entry.rows, 0),
      first: firsts[0] ?? '–',
      last: lasts[lasts.length - 1] ?? '–',
      withGaps: list.filter((entry) => entry.gapsCount > 0).length,
    };
  }, [symbols]);

  const sectorFilters = useMemo(
    () =>
      [...new Set((symbols ?? []).map((entry) => entry.sector))].sort().map((sector) => ({
        text: sector ? renderEnum('gicsSector', sector) : t('sectors.none'),
        value: sector,
      })),
    [symbols, t],
  );

  const columns: ColumnsType<SymbolCoverage> = [
    {
      title: t('reports.data.columns.symbol'),
      dataIndex: 'symbol',
      width: 110,
      sorter: byText((entry) => entry.symbol),
      defaultSortOrder: 'ascend',
      render: (symbol: string) => <span className="mono strong">{symbol}</span>,
    },
    { title: t('reports.data.columns.name'), dataIndex: 'name', ellipsis: true },
    {
      title: t('reports.data.columns.sector'),
      dataIndex: 'sector',
      width: 200,
      filters: sectorFilters,
      onFilter: (value, entry) => entry.sector === value,
      sorter: byText((entry) => entry.sector),
      render: (sector: string) =>
        sector ? renderEnum('gicsSector', sector) : <span className="muted">{t('sectors.none')}</span>,
    },
    {
      title: t('reports.data.columns.first'),
      dataIndex: 'first',
      width: 120,
      sorter: byText((entry) => entry.first),
      render: (day: string) => <span className="mono">{day}</span>,
    },
    {
      title: t('reports.data.columns.last'),
      dataIndex: 'last',
      width: 120,
      sorter: byText((entry) => entry.last),
      render: (day: string) => <span className="mono">{day}</span>,
    },
    {
      title: t('reports.data.columns.rows'),
      dataIndex: 'rows',
      width: 100,
      align: 'right',
      sorter: (a, b) => a.rows - b.rows,
      render: (rows: number) => integer(rows),
    },
    {
      title: t('reports.data.columns.gaps'),
      dataIndex: 'gapsCount',
      width: 150,
      align: 'right',
      sorter: (a, b) => a.gapsCount - b.gapsCount || a.missingDays - b.missingDays,
      render: (count: number, entry) =>
        count === 0 ? (
          <Tag color="green">{t('reports.data.noGaps')}</Tag>
        ) : (
          <Tag color="red">{t('reports.data.gapSummary', { count, days: entry.missingDays })}</Tag>
        ),
    },
  ];

  const gapColumns: ColumnsType<CoverageGap> = [
    {
      title: t('reports.data.gap.from'),
      dataIndex: 'from',
      render: (day: string) => <span className="mono">{day}</span>,
    },
    {
      title: t('reports.data.gap.to'),
      dataIndex: 'to',
      render: (day: string) => <span className="mono">{day}</span>,
    },
    { title: t('reports.data.gap.days'), dataIndex: 'days', align: 'right' },
  ];

  return (
    <>
      <PageHeader
        title={t('reports.data.title')}
        subtitle={t('reports.data.subtitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={reload} loading={loading} data-testid="coverage-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      <SyntheticDataNotice />
      {loadError?.kind === 'unavailable' ? (
        <Alert className="page-notice" type="warning" showIcon title={t('reports.unavailable')} />
      ) : null}
      {loadError?.kind === 'failed' ? (
        <Alert
          className="page-notice"
          type="error"
          showIcon
          title={t('common.loadFailed', { message: errorText(loadError.reason) })}
        />
      ) : null}
      <Row gutter={[16, 16]} className="stat-row">
        <Col xs={12} md={6}>
          <Card variant="borderless" className="content-card">
            <Statistic title={t('reports.data.summary.symbols')} value={summary.symbols} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card variant="borderless" className="content-card">
            <Statistic title={t('reports.data.summary.rows')} value={integer(summary.rows)} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card variant="borderless" className="content-card">
            <Statistic
              title={t('reports.data.summary.range')}
              value={`${summary.first} → ${summary.last}`}
              styles={{ content: { fontSize: 18 } }}
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card variant="borderless" className="content-card">
            <Statistic title={t('reports.data.summary.withGaps')} value={summary.withGaps} />
          </Card>
        </Col>
      </Row>
      <Card variant="borderless" className="content-card section-card" title={t('reports.data.timeline')}>
        {symbols && symbols.length > 0 ? (
          <CoverageTimeline symbols={visible} />
        ) : (
          <Empty description={symbols ? t('reports.data.empty') : t('common.loading')} />
        )}
      </Card>
      <Card
        variant="borderless"
        className="content-card section-card"
        title={t('reports.data.coverage')}
        extra={
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('reports.data.searchHint')}
            value={query}
            style={{ width: 260 }}
            onChange={(event) => setQuery(event.target.value)}
            data-testid="coverage-search"
          />
        }
      >
        <Table<SymbolCoverage>
          data-testid="coverage-table"
          rowKey="symbol"
          size="middle"
          loading={loading && symbols === null}
          columns={columns}
          dataSource={visible}
          locale={{ emptyText: <Empty description={t('reports.data.empty')} /> }}
          pagination={{
            pageSize: 20,
            showSizeChanger: true,
            showTotal: (total) => t('reports.data.total', { total }),
          }}
          expandable={{
            rowExpandable: (entry) => entry.gapsCount > 0,
            expandedRowRender: (entry) => (
              <Table<CoverageGap>
                size="small"
                rowKey="from"
                data-testid="coverage-gaps"
                pagination={entry.gaps.length > 10 ? { pageSize: 10 } : false}
                columns={gapColumns}
                dataSource={entry.gaps}
              />
            ),
          }}
        />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <ImportCard onImported={reload} />
        </Col>
        <Col xs={24} xl={12}>
          <FetchCard onFetched={reload} />
        </Col>
      </Row>
    </>
  );
}
