import { CheckCircleTwoTone, CloseCircleTwoTone, MinusCircleTwoTone } from '@ant-design/icons';
import { Space, Table, Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { IbReason } from '../../../../src/contract/ib';
import { ibReasonText } from '../../../../src/contract/ib-reason-texts';
import type { EnumName, Message } from '../../../../src/contract/messages';
import { currentLanguage } from '../../i18n';
import type { pipelineZhCN } from '../../i18n/locales/pipeline.zh-CN';
import { renderEnum, renderMessage } from '../../i18n/messages';
import { stopReasonLine } from '../live/stop-reason';
import { duration, plainValue, STATUS_COLOR } from './format';
import type { PipelineRunView, PipelineStepView } from './pipeline-api';

interface ChecklistItem {
  id: string;
  ok: boolean;
  required: boolean;
  numbers: Record<string, unknown>;
}

interface PlannedOrder {
  symbol: string;
  side: string;
  quantity: number;
  price: number;
}

type NumKey = keyof typeof pipelineZhCN.num;
type Leftover = keyof typeof pipelineZhCN.form.leftover;

interface Verdict {
  rule: string;
  passed: boolean;
}

/** Checklist numbers that are enum values the server sends raw, by item and key. */
const ENUM_NUMBERS: Record<string, EnumName> = {
  'ib.connected.status': 'connectionStatus',
  'account.mode.mode': 'mode',
  'trading.active.state': 'tradingState',
};

function Tick({ ok, optional }: { ok: boolean; optional?: boolean }) {
  if (ok) return <CheckCircleTwoTone twoToneColor="#52c41a" />;
  if (optional) return <MinusCircleTwoTone twoToneColor="#faad14" />;
  return <CloseCircleTwoTone twoToneColor="#ff4d4f" />;
}

function useNumberText() {
  const { t } = useTranslation();
  return (item: string, key: string, value: unknown): string => {
    const label = t(`pipeline.num.${key}`, { defaultValue: key });
    let shown: string;
    const enumName = ENUM_NUMBERS[`${item}.${key}`];
    if (typeof value === 'boolean') shown = t(value ? 'pipeline.yes' : 'pipeline.no');
    else if (enumName) shown = renderEnum(enumName, String(value));
    // The account check's problem as IB's reason code; records before it hold English text.
    else if (item === 'account.mode' && key === 'problem' && typeof value === 'object' && value !== null)
      shown = ibReasonText(value as IbReason, currentLanguage(), false);
    // A failed check's reason: catalogued (rendered in the language) or, from a foreign error, its text.
    else if (
      key === 'error' &&
      typeof value === 'object' &&
      value !== null &&
      'code' in value &&
      'params' in value
    )
      shown = renderMessage(value as Message);
    else if (item === 'reconciliation.clean' && key === 'status')
      shown = t(`pipeline.reconcile.${String(value)}`, { defaultValue: String(value) });
    else shown = plainValue(value);
    return `${label} ${shown}`;
  };
}

/** The pre-trade checklist as ticks, each with the numbers behind it. */
function Checklist({ items }: { items: ChecklistItem[] }) {
  const { t } = useTranslation();
  const numberText = useNumberText();
  return (
    <ul className="pipeline-checklist" data-testid="pipeline-checklist">
      {items.map((item) => (
        <li key={item.id} data-testid={`pipeline-check-${item.id}`} data-ok={item.ok}>
          <Tick ok={item.ok} optional={!item.required} />{' '}
          {t(`pipeline.check.${item.id}`, { defaultValue: item.id })}
          {item.required ? null : <Tag style={{ marginLeft: 6 }}>{t('pipeline.notRequired')}</Tag>}{' '}
          <Typography.Text type="secondary" className="mono">
            {Object.entries(item.numbers)
              .filter(([, v]) => v !== null && v !== '')
              .map(([k, v]) => numberText(item.id, k, v))
              .join(' · ')}
          </Typography.Text>
        </li>
      ))}
    </ul>
  );
}

function Facts({ facts }: { facts: Array<[NumKey, unknown]> }) {
  const { t } = useTranslation();
  const shown = facts.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (shown.length === 0) return null;
  return (
    <Typography.Text type="secondary" className="mono">
      {shown
        .map(
          ([k, v]) =>
            `${t(`pipeline.num.${k}`)} ${typeof v === 'boolean' ? t(v ? 'pipeline.yes' : 'pipeline.no') : plainValue(v)}`,
        )
        .join(' · ')}
    </Typography.Text>
  );
}

/** What a step recorded, in the form that suits it. */
function Evidence({ step }: { step: PipelineStepView }) {
  const { t } = useTranslation();
  const e = step.evidence;
  if (!e) return null;
  switch (step.name) {
    case 'checklist':
      return Array.isArray(e.items) ? <Checklist items={e.items as ChecklistItem[]} /> : null;
    case 'decide':
      return (
        <Facts
          facts={[
            ['snapshotId', e.snapshotId],
            ['asOf', e.asOf],
            ['modelVersion', e.modelVersion],
            ['symbols', e.weights && typeof e.weights === 'object' ? Object.keys(e.weights).length : null],
            ['dropped', e.dropped],
            ['sourceSnapshotId', e.sourceSnapshotId],
          ]}
        />
      );
    case 'plan':
      return Array.isArray(e.orders) ? (
        <Table<PlannedOrder>
          size="small"
          rowKey="symbol"
          pagination={false}
          data-testid="pipeline-plan-orders"
          dataSource={e.orders as PlannedOrder[]}
          columns={[
            { title: t('pipeline.order.symbol'), dataIndex: 'symbol' },
            {
              title: t('pipeline.order.side'),
              dataIndex: 'side',
              render: (side: string) => renderEnum('side', side),
            },
            { title: t('pipeline.order.quantity'), dataIndex: 'quantity' },
            { title: t('pipeline.order.price'), dataIndex: 'price' },
          ]}
        />
      ) : null;
    case 'risk':
      return Array.isArray(e.verdicts) ? (
        <ul className="pipeline-checklist" data-testid="pipeline-risk-verdicts">
          {(e.verdicts as Verdict[]).map((v) => (
            <li key={v.rule}>
              <Tick ok={v.passed} /> {t(`pretrade.rules.${v.rule}`, { defaultValue: v.rule })}
            </li>
          ))}
        </ul>
      ) : null;
    case 'submit':
      return (
        <Facts
          facts={[
            ['tradeRunId', e.tradeRunId],
            ['orders', e.orders],
            ['sentNow', e.sentNow],
            ['snapshotId', e.snapshotId],
            ['stoppedBecause', stopReasonLine(e.stoppedBecause)],
          ]}
        />
      );
    case 'monitor':
      return (
        <Facts
          facts={[
            ['openOrders', e.openOrders],
            [
              'leftoverPolicy',
              e.leftoverPolicy ? t(`pipeline.form.leftover.${e.leftoverPolicy as Leftover}`) : null,
            ],
            ['repriced', e.repriced],
          ]}
        />
      );
    default:
      return null;
  }
}

/** One run as a timeline of its steps: status, duration, attempts, evidence and the error, if any. */
export function StepTimeline({ run, nowMs }: { run: PipelineRunView; nowMs: number }) {
  const { t } = useTranslation();
  const items = run.steps.map((step) => {
    let error: ReactNode = null;
    if (step.errorText)
      error = (
        <Typography.Paragraph type="danger" data-testid={`pipeline-step-error-${step.name}`}>
          {renderMessage(step.errorText)}
        </Typography.Paragraph>
      );
    return {
      color:
        step.status === 'SUCCEEDED'
          ? 'green'
          : step.status === 'FAILED'
            ? 'red'
            : step.status === 'RUNNING'
              ? 'blue'
              : 'gray',
      content: (
        <div data-testid={`pipeline-step-${step.name}`} data-status={step.status}>
          <Space wrap>
            <strong>{t(`pipeline.steps.${step.name}`)}</strong>
            <Tag color={STATUS_COLOR[step.status]}>{t(`pipeline.stepStatus.${step.status}`)}</Tag>
            {step.attempts > 0 ? (
              <span data-testid={`pipeline-step-attempts-${step.name}`}>
                {t('pipeline.attempts', { count: step.attempts })}
              </span>
            ) : null}
            <Typography.Text type="secondary">{duration(step, nowMs)}</Typography.Text>
          </Space>
          {error}
          <Evidence step={step} />
        </div>
      ),
    };
  });
  return <Timeline data-testid="pipeline-timeline" items={items} />;
}
