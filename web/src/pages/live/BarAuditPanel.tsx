import { SearchOutlined } from '@ant-design/icons';
import { Alert, Button, DatePicker, Empty, List, Progress, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditBarSize, BarAudit } from '../../api';
import { GroupedBars } from './charts';
import { liveApi } from './live-api';
import { byNumber, byText, failure, type Loadable, PANEL_STYLE } from './model';
import { toSelector, UniversePicker } from './UniversePicker';

function GapDetails({ audit }: { audit: BarAudit }) {
  const { t } = useTranslation();
  if (audit.gaps.length === 0 && audit.partialDays.length === 0) {
    return <Typography.Text type="secondary">{t('liveTrading.bars.noGaps')}</Typography.Text>;
  }
  return (
    <Space align="start" size="large" wrap>
      {audit.gaps.length > 0 ? (
        <List
          size="small"
          header={t('liveTrading.bars.gapList')}
          dataSource={audit.gaps}
          renderItem={(gap) => (
            <List.Item>
              <span className="mono">{gap.from === gap.to ? gap.from : `${gap.from} → ${gap.to}`}</span>
              &nbsp;{t('liveTrading.bars.sessions', { count: gap.sessions })}
            </List.Item>
          )}
        />
      ) : null}
      {audit.partialDays.length > 0 ? (
        <List
          size="small"
          header={t('liveTrading.bars.partialList')}
          dataSource={audit.partialDays}
          renderItem={(day) => (
            <List.Item>
              <span className="mono">{day.day}</span>&nbsp;
              {t('liveTrading.bars.partialLine', { present: day.present, expected: day.expected })}
            </List.Item>
          )}
        />
      ) : null}
    </Space>
  );
}

/** Completeness of stored IB bars per symbol against the exchange calendar, with the gaps listed. */
export function BarAuditPanel({ initialUniverse }: { initialUniverse: string | null }) {
  const { t } = useTranslation();
  const [universe, setUniverse] = useState<string | null>(initialUniverse);
  const [barSize, setBarSize] = useState<AuditBarSize>('1d');
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(1, 'year'), dayjs()]);
  const [state, setState] = useState<Loadable<BarAudit[]> | null>(null);

  useEffect(() => setUniverse(initialUniverse), [initialUniverse]);

  const run = () => {
    const selector = toSelector(universe);
    if (!selector) return;
    setState({ kind: 'loading' });
    liveApi
      .barAudit(selector, barSize, range[0].format('YYYY-MM-DD'), range[1].format('YYYY-MM-DD'))
      .then((answer) => setState({ kind: 'ready', data: answer.audits }))
      .catch((error: unknown) => setState(failure(error)));
  };

  const columns: ColumnsType<BarAudit> = [
    {
      title: t('liveTrading.bars.symbol'),
      dataIndex: 'symbol',
      sorter: byText((a) => a.symbol),
      render: (symbol: string) => <span className="mono">{symbol}</span>,
    },
    {
      title: t('liveTrading.bars.completeness'),
      sorter: byNumber((a) => a.completeness),
      defaultSortOrder: 'ascend',
      width: 220,
      render: (_: unknown, a) => (
        <Progress
          percent={Math.round(a.completeness * 1000) / 10}
          size="small"
          status={a.completeness >= 1 ? 'success' : a.completeness === 0 ? 'exception' : 'active'}
        />
      ),
    },
    {
      title: t('liveTrading.bars.expected'),
      align: 'right',
      sorter: byNumber((a) => a.expectedSessions),
      render: (_: unknown, a) => <span className="mono">{a.expectedSessions}</span>,
    },
    {
      title: t('liveTrading.bars.present'),
      align: 'right',
      sorter: byNumber((a) => a.presentSessions),
      render: (_: unknown, a) => <span className="mono">{a.presentSessions}</span>,
    },
    {
      title: t('liveTrading.bars.gaps'),
      align: 'right',
      sorter: byNumber((a) => a.gaps.length),
      render: (_: unknown, a) => <span className="mono">{a.gaps.length}</span>,
    },
    {
      title: t('liveTrading.bars.missingDays'),
      align: 'right',
      sorter: byNumber((a) => a.missingDays.length),
      render: (_: unknown, a) => <span className="mono">{a.missingDays.length}</span>,
    },
    {
      title: t('liveTrading.bars.bars'),
      align: 'right',
      sorter: byNumber((a) => a.bars),
      render: (_: unknown, a) => <span className="mono">{a.bars.toLocaleString()}</span>,
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={PANEL_STYLE}>
      <Space wrap>
        <UniversePicker value={universe} onChange={setUniverse} testId="live-bars-universe" />
        <Select<AuditBarSize>
          value={barSize}
          onChange={setBarSize}
          options={[
            { value: '1d', label: t('liveTrading.bars.daily') },
            { value: '1m', label: t('liveTrading.bars.minute') },
          ]}
        />
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(next) => {
            if (next?.[0] && next[1]) setRange([next[0], next[1]]);
          }}
        />
        <Button
          type="primary"
          icon={<SearchOutlined />}
          disabled={!toSelector(universe)}
          loading={state?.kind === 'loading'}
          onClick={run}
          data-testid="live-bars-run"
        >
          {t('liveTrading.bars.run')}
        </Button>
      </Space>
      {state === null ? <Empty description={t('liveTrading.universe.pick')} /> : null}
      {state?.kind === 'loading' ? <Progress percent={100} status="active" showInfo={false} /> : null}
      {state?.kind === 'unavailable' ? (
        <Alert type="warning" showIcon title={t('liveTrading.notRunning')} />
      ) : null}
      {state?.kind === 'failed' ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: state.message })} />
      ) : null}
      {state?.kind === 'ready' && state.data.length === 0 ? (
        <Empty description={t('liveTrading.bars.empty')} />
      ) : null}
      {state?.kind === 'ready' && state.data.length > 0 ? (
        <>
          <GroupedBars
            testId="live-bars-chart"
            percent
            categories={state.data.map((a) => a.symbol)}
            series={[
              {
                name: t('liveTrading.bars.completeness'),
                values: state.data.map((a) => Math.round(a.completeness * 1000) / 10),
                color: '#2f6bff',
              },
            ]}
          />
          <Table<BarAudit>
            data-testid="live-bars"
            rowKey="symbol"
            size="small"
            columns={columns}
            dataSource={state.data}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            expandable={{ expandedRowRender: (audit) => <GapDetails audit={audit} /> }}
          />
        </>
      ) : null}
    </Space>
  );
}
