import { CloudDownloadOutlined, SearchOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  DatePicker,
  Empty,
  Form,
  List,
  Progress,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  type AuditBarSize,
  type BarAudit,
  type FieldError,
  type UniverseSelector,
} from '../../api';
import type { Failure } from '../../components';
import { JobProgress } from '../reports/JobProgress';
import { isFinished, useJob } from '../reports/useJob';
import { BackfillSummary } from './BackfillSummary';
import { GroupedBars } from './charts';
import { type BackfillReport, liveApi } from './live-api';
import { byNumber, byText, errorText, failure, isUnavailable, type Loadable, PANEL_STYLE } from './model';
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

interface AuditRequest {
  selector: UniverseSelector;
  barSize: AuditBarSize;
  from: string;
  to: string;
}

/** Which form item shows a field error from the server. */
const FIELD_ITEMS: Record<string, 'universe' | 'barSize' | 'window'> = {
  universe: 'universe',
  project: 'universe',
  theme: 'universe',
  symbols: 'universe',
  barSize: 'barSize',
  from: 'window',
  to: 'window',
};

/**
 * Completeness of stored IB bars per symbol against the exchange calendar, with the gaps listed, and
 * a backfill of the same universe and window from IB as a job; the audit runs again once it is done.
 */
export function BarAuditPanel({ initialUniverse }: { initialUniverse: string | null }) {
  const { t } = useTranslation();
  const [universe, setUniverse] = useState<string | null>(initialUniverse);
  const [barSize, setBarSize] = useState<AuditBarSize>('1d');
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().subtract(1, 'year'), dayjs()]);
  const [state, setState] = useState<Loadable<BarAudit[]> | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [backfillError, setBackfillError] = useState<Failure | null>(null);
  const [backfillReport, setBackfillReport] = useState<BackfillReport | null>(null);
  const backfilled = useRef<AuditRequest | null>(null);

  useEffect(() => setUniverse(initialUniverse), [initialUniverse]);

  const audit = useCallback((request: AuditRequest) => {
    setState({ kind: 'loading' });
    liveApi
      .barAudit(request.selector, request.barSize, request.from, request.to)
      .then((answer) => setState({ kind: 'ready', data: answer.audits }))
      .catch((error: unknown) => setState(failure(error)));
  }, []);

  const backfillJob = useJob((finished) => {
    if (finished.status !== 'succeeded') return;
    setBackfillReport(finished.result as BackfillReport);
    // The audit of the universe and window just backfilled shows the gaps it closed.
    if (backfilled.current) audit(backfilled.current);
  });
  const backfilling = backfillJob.job !== null && !isFinished(backfillJob.job.status);

  const current = (): AuditRequest | null => {
    const selector = toSelector(universe);
    if (!selector) return null;
    return { selector, barSize, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  };

  const run = () => {
    const request = current();
    if (request) audit(request);
  };

  const backfill = () => {
    const request = current();
    if (!request) return;
    setFieldErrors([]);
    setBackfillError(null);
    setBackfillReport(null);
    liveApi
      .backfill({ ...request.selector, barSize: request.barSize, from: request.from, to: request.to })
      .then((started) => {
        backfilled.current = request;
        backfillJob.track(started.job);
      })
      .catch((error: unknown) => {
        if (isUnavailable(error)) setState({ kind: 'unavailable' });
        else if (error instanceof ApiError && error.fields.length > 0) setFieldErrors(error.fields);
        else setBackfillError({ reason: error });
      });
  };

  /** Server messages for one form item, e.g. `from: must not be after to`. */
  const itemError = (item: 'universe' | 'barSize' | 'window') => {
    const messages = fieldErrors
      .filter((f) => FIELD_ITEMS[f.field] === item)
      .map((f) => `${f.field}: ${f.message}`);
    return messages.length > 0
      ? {
          validateStatus: 'error' as const,
          help: <span data-testid={`live-backfill-error-${item}`}>{messages.join('; ')}</span>,
        }
      : {};
  };
  const otherErrors = fieldErrors.filter((f) => FIELD_ITEMS[f.field] === undefined);

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
      <Form layout="inline" data-testid="live-bars-form">
        <Form.Item {...itemError('universe')}>
          <UniversePicker value={universe} onChange={setUniverse} testId="live-bars-universe" />
        </Form.Item>
        <Form.Item {...itemError('barSize')}>
          <Select<AuditBarSize>
            data-testid="live-bars-size"
            aria-label={t('liveTrading.bars.barSize')}
            value={barSize}
            onChange={setBarSize}
            options={[
              { value: '1d', label: t('liveTrading.bars.daily') },
              { value: '1m', label: t('liveTrading.bars.minute') },
            ]}
          />
        </Form.Item>
        <Form.Item {...itemError('window')}>
          <DatePicker.RangePicker
            data-testid="live-bars-window"
            value={range}
            allowClear={false}
            onChange={(next) => {
              if (next?.[0] && next[1]) setRange([next[0], next[1]]);
            }}
          />
        </Form.Item>
        <Form.Item>
          <Space wrap>
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
            <Button
              icon={<CloudDownloadOutlined />}
              disabled={!toSelector(universe)}
              loading={backfilling}
              onClick={backfill}
              data-testid="live-backfill"
            >
              {t('liveTrading.bars.backfill')}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">{t('liveTrading.bars.backfillHint')}</Typography.Text>
      {backfillError || otherErrors.length > 0 ? (
        <Alert
          data-testid="live-backfill-refused"
          type="error"
          showIcon
          title={t('liveTrading.bars.backfillRefused', {
            message: backfillError
              ? errorText(backfillError.reason)
              : otherErrors.map((f) => `${f.field}: ${f.message}`).join('; '),
          })}
        />
      ) : null}
      {backfillJob.job ? <JobProgress job={backfillJob.job} testId="live-backfill-job" /> : null}
      {backfillReport ? <BackfillSummary report={backfillReport} /> : null}
      {state === null ? <Empty description={t('liveTrading.universe.pick')} /> : null}
      {state?.kind === 'loading' ? <Progress percent={100} status="active" showInfo={false} /> : null}
      {state?.kind === 'unavailable' ? (
        <Alert type="warning" showIcon title={t('liveTrading.notRunning')} />
      ) : null}
      {state?.kind === 'failed' ? (
        <Alert type="error" showIcon title={t('common.loadFailed', { message: errorText(state.reason) })} />
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
