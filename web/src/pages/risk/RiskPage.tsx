import { ArrowLeftOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Progress,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { TradeRun } from '../../../../src/contract/execution';
import type { RiskFindingView } from '../../../../src/contract/pretrade';
import type {
  AccountView,
  Project,
  RiskEventView,
  RiskLevelName,
  RiskScopeStatus,
  TradingStateName,
} from '../../api';
import { api } from '../../api';
import { errorText, formatUsd, PageHeader } from '../../components';
import { useServerEvent } from '../../events';
import { renderEnum } from '../../i18n/messages';
import { accountApi } from '../live/account-api';
import { findingText } from '../live/PreTradeChecks';
import { actorText, causeFrom, causeText } from './cause';
import { PreTradeBars } from './PreTradeBars';
import { STATE_COLOR } from './RiskStateBadge';
import { riskApi } from './risk-api';
import { useRiskStatus } from './useRiskStatus';

const RESUME_WORD = 'RESUME';
const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
const LEVEL_STATUS: Record<RiskLevelName, 'success' | 'normal' | 'exception'> = {
  ok: 'success',
  warning: 'normal',
  trigger: 'exception',
};

/** One limit as a bar: how much of the cap is used (100% = the limit). */
function UsageBar({
  label,
  value,
  cap,
  level,
  testId,
}: {
  label: string;
  value: number;
  cap: number;
  level: RiskLevelName;
  testId: string;
}) {
  const used = cap > 0 ? Math.min(100, (value / cap) * 100) : 0;
  return (
    <div className="risk-usage" data-testid={testId} data-level={level}>
      <Typography.Text>{label}</Typography.Text>
      <Progress
        percent={Number(used.toFixed(1))}
        status={LEVEL_STATUS[level]}
        strokeColor={level === 'warning' ? '#faad14' : undefined}
        format={() => `${pct(value)} / ${pct(cap)}`}
      />
    </div>
  );
}

type Dialog = { kind: 'halt'; scope: RiskScopeStatus } | { kind: 'resume'; scope: RiskScopeStatus } | null;

function scopeLabel(scope: RiskScopeStatus, account: string): string {
  return scope.projectId === null ? account : scope.name;
}

/** Halt (one step, with a reason) or resume (the typed confirmation and a reason). */
function StateDialog({ dialog, onClose }: { dialog: Dialog; onClose: (changed: boolean) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string; confirm: string; to: TradingStateName }>();
  const [busy, setBusy] = useState(false);
  const confirm = Form.useWatch('confirm', form);
  useEffect(() => {
    if (dialog) form.resetFields();
  }, [dialog, form]);
  if (!dialog) return null;
  const label = scopeLabel(dialog.scope, t('risk.account'));
  const projectId = dialog.scope.projectId ?? undefined;
  const resume = dialog.kind === 'resume';
  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      if (resume) {
        await riskApi.resume({
          projectId,
          to: values.to === 'REDUCING' ? 'REDUCING' : 'ACTIVE',
          reason: values.reason,
          confirm: values.confirm,
        });
      } else {
        await riskApi.halt({
          projectId,
          to: values.to === 'REDUCING' ? 'REDUCING' : 'HALTED',
          reason: values.reason,
        });
      }
      message.success(t('risk.controls.done'));
      onClose(true);
    } catch (error) {
      message.error(errorText(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t(resume ? 'risk.controls.resumeTitle' : 'risk.controls.haltTitle', { scope: label })}
      okText={t(resume ? 'risk.controls.resume' : 'risk.controls.halt')}
      okButtonProps={{
        danger: !resume,
        loading: busy,
        disabled: resume && confirm !== RESUME_WORD,
        'data-testid': 'risk-dialog-ok',
      }}
      onOk={() => void submit()}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ to: resume ? 'ACTIVE' : 'HALTED' }}>
        <Form.Item name="to" label={resume ? t('risk.controls.to') : undefined}>
          <Radio.Group>
            {resume ? (
              <>
                <Radio value="ACTIVE">{t('riskStates.ACTIVE')}</Radio>
                {dialog.scope.state.state === 'HALTED' ? (
                  <Radio value="REDUCING">{t('riskStates.REDUCING')}</Radio>
                ) : null}
              </>
            ) : (
              <>
                <Radio value="HALTED">{t('riskStates.HALTED')}</Radio>
                <Radio value="REDUCING">{t('riskStates.REDUCING')}</Radio>
              </>
            )}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('risk.controls.reason')}
          rules={[{ required: true, min: 3, message: t('risk.controls.reasonPlaceholder') }]}
        >
          <Input.TextArea
            rows={2}
            maxLength={500}
            placeholder={t('risk.controls.reasonPlaceholder')}
            data-testid="risk-reason"
          />
        </Form.Item>
        {resume ? (
          <Form.Item name="confirm" label={t('risk.controls.confirm', { word: RESUME_WORD })}>
            <Input autoComplete="off" placeholder={RESUME_WORD} data-testid="risk-confirm" />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}

function ScopeCard({
  scope,
  account,
  project,
  checked,
  onDialog,
}: {
  scope: RiskScopeStatus;
  account: AccountView | null;
  project: Project | undefined;
  /** The project's newest run with a pre-trade record. */
  checked: TradeRun | undefined;
  onDialog: (dialog: Dialog) => void;
}) {
  const { t, i18n } = useTranslation();
  const state = scope.state;
  const label = scopeLabel(scope, t('risk.account'));
  // An automatic change reads from its figures in the UI language; a person's words as typed.
  const reason = state.cause ? causeText(t, state.cause, i18n.language) : state.reason;
  const nav = account?.figures.netLiquidation ?? 0;
  const gross = nav > 0 ? (account?.figures.grossPositionValue ?? 0) / nav : 0;
  const largest = Math.max(0, ...(account?.positions.map((p) => Math.abs(p.weight)) ?? []));
  const limitLevel = (value: number, cap: number): RiskLevelName =>
    value > cap ? 'trigger' : value >= cap * scope.limits.warningAt ? 'warning' : 'ok';
  return (
    <Card
      size="small"
      className="risk-scope"
      data-testid={`risk-scope-${scope.scope}`}
      data-state={state.state}
      title={
        <Space>
          <span>{label}</span>
          <Tag color={STATE_COLOR[state.state]} data-testid="risk-scope-state">
            {t(`riskStates.${state.state}`)}
          </Tag>
        </Space>
      }
      extra={
        <Space>
          {state.state !== 'HALTED' ? (
            <Button
              danger
              size="small"
              data-testid="risk-halt"
              onClick={() => onDialog({ kind: 'halt', scope })}
            >
              {t('risk.controls.halt')}
            </Button>
          ) : null}
          {state.state !== 'ACTIVE' ? (
            <Button
              size="small"
              data-testid="risk-resume"
              onClick={() => onDialog({ kind: 'resume', scope })}
            >
              {t('risk.controls.resume')}
            </Button>
          ) : null}
        </Space>
      }
    >
      {state.state !== 'ACTIVE' && reason ? (
        <Alert
          type={state.state === 'HALTED' ? 'error' : 'warning'}
          showIcon
          className="risk-reason"
          data-testid="risk-scope-reason"
          message={`${t('risk.scope.reason')}: ${reason}`}
          description={
            state.changedAt
              ? t('risk.scope.changed', {
                  time: dayjs(state.changedAt).format('YYYY-MM-DD HH:mm:ss'),
                  by: actorText(state.changedBy ?? ''),
                })
              : undefined
          }
        />
      ) : null}
      <UsageBar
        label={t('risk.scope.dailyLoss')}
        value={scope.dailyLoss}
        cap={scope.limits.maxDailyLoss}
        level={scope.dailyLossLevel}
        testId="risk-bar-daily-loss"
      />
      <UsageBar
        label={t('risk.scope.drawdown')}
        value={scope.drawdown}
        cap={scope.limits.maxDrawdown}
        level={scope.drawdownLevel}
        testId="risk-bar-drawdown"
      />
      {project ? (
        <>
          <UsageBar
            label={t('risk.limits.grossExposure')}
            value={gross}
            cap={project.params.risk.maxGrossExposure}
            level={limitLevel(gross, project.params.risk.maxGrossExposure)}
            testId="risk-bar-gross"
          />
          <UsageBar
            label={t('risk.limits.largestPosition')}
            value={largest}
            cap={project.params.risk.maxPositionWeight}
            level={limitLevel(largest, project.params.risk.maxPositionWeight)}
            testId="risk-bar-position"
          />
          <PreTradeBars run={checked} />
        </>
      ) : null}
      <Typography.Text type="secondary">
        {t('risk.scope.warningAt', { pct: pct(scope.limits.warningAt) })}
      </Typography.Text>
    </Card>
  );
}

/** A risk event's evidence as sentences (figures, limits, who and why), not JSON. */
function Evidence({ event }: { event: RiskEventView }) {
  const { t, i18n } = useTranslation();
  const d = event.detail;
  const num = (key: string) => (typeof d[key] === 'number' ? (d[key] as number) : null);
  const str = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : '');
  const money = (n: number | null) => (n === null ? '—' : formatUsd(n, i18n.language, 2));
  // State changes (and the defensive move after a halt) carry the automatic cause when there was one.
  const cause = causeFrom(d.cause);
  if (event.kind === 'intraday.warning' || event.kind === 'intraday.trigger') {
    const metric = str('metric');
    return (
      <Space direction="vertical" size={0}>
        <span>
          {t('risk.events.measured', {
            metric:
              metric === 'dailyLoss' || metric === 'drawdown' ? t(`risk.events.metrics.${metric}`) : metric,
            value: pct(num('value') ?? 0),
            limit: pct(num('limit') ?? 0),
            action: t(`riskStates.${str('action') === 'REDUCING' ? 'REDUCING' : 'HALTED'}`),
          })}
        </span>
        <Typography.Text type="secondary">
          {t('risk.events.figures', {
            nav: money(num('netLiquidation')),
            start: money(num('startOfDayNetLiquidation')),
            hwm: money(num('highWaterMark')),
          })}
        </Typography.Text>
      </Space>
    );
  }
  if (event.kind === 'state.changed') {
    const name = (key: string) => {
      const v = str(key);
      return v === 'ACTIVE' || v === 'REDUCING' || v === 'HALTED' ? t(`riskStates.${v}`) : v;
    };
    return (
      <span>
        {t('risk.events.stateChange', {
          from: name('from'),
          to: name('to'),
          actor: actorText(str('actor')),
          reason: cause ? causeText(t, cause, i18n.language) : str('reason'),
        })}
      </span>
    );
  }
  if (event.kind === 'pretrade.blocked') {
    const findings = Array.isArray(d.findings) ? (d.findings as RiskFindingView[]) : [];
    return (
      <Space direction="vertical" size={0}>
        <span>
          {t('risk.events.blockedRun', {
            run: event.runId ?? '—',
            date: str('tradingDate'),
            orders: num('orders') ?? 0,
          })}
        </span>
        {[...new Set(findings.map((finding) => findingText(t, finding)))].map((text) => (
          <Typography.Text key={text} type="secondary" data-testid="risk-finding">
            {text}
          </Typography.Text>
        ))}
      </Space>
    );
  }
  if (event.kind === 'defensive.started') {
    const action =
      str('action') === 'asset'
        ? t('risk.events.defensiveAsset', { symbol: str('symbol') })
        : t('risk.events.defensiveCash');
    return (
      <span>
        {t('risk.events.defensiveStarted', {
          action,
          snapshot: num('snapshotId') ?? '—',
          date: str('tradingDate'),
          reason: cause ? causeText(t, cause, i18n.language) : str('reason'),
        })}
      </span>
    );
  }
  if (event.kind === 'defensive.waiting') {
    // Past the wait's bound: the orders of another run the broker has not finalised, one per line.
    const orders = Array.isArray(d.orders) ? (d.orders as Array<Record<string, unknown>>) : [];
    const field = (o: Record<string, unknown>, key: string) => String(o[key] ?? '');
    return (
      <Space direction="vertical" size={0}>
        <span>
          {t('risk.events.defensiveWaiting', {
            action:
              str('action') === 'asset'
                ? t('risk.events.defensiveAsset', { symbol: str('symbol') })
                : t('risk.events.defensiveCash'),
            minutes: num('waitMinutes') ?? '—',
            bound: num('maxWaitMinutes') ?? '—',
          })}
        </span>
        {orders.map((o) => (
          <Typography.Text key={field(o, 'clientOrderId')} type="secondary" data-testid="risk-order-out">
            {t('risk.events.orderOut', {
              symbol: field(o, 'symbol'),
              side: renderEnum('side', field(o, 'side')),
              filled: field(o, 'filled'),
              quantity: field(o, 'quantity'),
              ref: field(o, 'clientOrderId'),
            })}
          </Typography.Text>
        ))}
      </Space>
    );
  }
  if (event.kind === 'defensive.deferred') {
    return (
      <span>
        {t('risk.events.defensiveDeferred', { run: num('heldBy') ?? '—', date: str('tradingDate') })}
      </span>
    );
  }
  // Other kinds (fallbacks) carry their own figures: list them as label: value.
  return (
    <Space direction="vertical" size={0}>
      {event.rule ? <span>{t('risk.events.rule', { rule: event.rule })}</span> : null}
      {Object.entries(d)
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        .map(([k, v]) => (
          <Typography.Text key={k} type="secondary">
            {k}: {String(v)}
          </Typography.Text>
        ))}
    </Space>
  );
}

/** The risk panel: where each limit stands, the trading states with halt and resume, the risk events. */
export function RiskPage() {
  const { t, i18n } = useTranslation();
  const { status, reload, failed } = useRiskStatus();
  const [events, setEvents] = useState<RiskEventView[]>([]);
  const [account, setAccount] = useState<AccountView | null>(null);
  const [projects, setProjects] = useState<Project[]>([]);
  const [runs, setRuns] = useState<TradeRun[]>([]);
  const [dialog, setDialog] = useState<Dialog>(null);

  const loadEvents = useCallback(() => {
    riskApi
      .events(100)
      .then((r) => setEvents(r.events))
      .catch(() => undefined);
    riskApi
      .runs()
      .then((r) => setRuns(r.runs))
      .catch(() => undefined);
  }, []);
  useEffect(() => {
    loadEvents();
    accountApi
      .account()
      .then((r) => setAccount(r.account))
      .catch(() => undefined);
    api
      .listProjects()
      .then((r) => setProjects(r.projects))
      .catch(() => undefined);
  }, [loadEvents]);
  useServerEvent('risk.state', loadEvents);
  useServerEvent('risk.status', loadEvents);
  useServerEvent('account.update', setAccount);

  const reading = status?.reading ?? null;
  const names = new Map((status?.scopes ?? []).map((s) => [s.scope, scopeLabel(s, t('risk.account'))]));
  const money = (n: number | null | undefined) =>
    n === null || n === undefined ? '—' : formatUsd(n, i18n.language, 2);

  return (
    <div data-testid="risk-page">
      <PageHeader
        title={t('risk.title')}
        subtitle={t('risk.subtitle')}
        extra={
          <Link to="/live">
            <ArrowLeftOutlined /> {t('risk.backToLive')}
          </Link>
        }
      />
      {failed ? <Alert type="error" showIcon message={t('common.requestFailed', { message: '' })} /> : null}
      <Card size="small" title={t('risk.reading.title')} className="risk-reading">
        {reading ? (
          <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="risk-reading">
            <Descriptions.Item label={t('risk.account')}>{reading.account}</Descriptions.Item>
            <Descriptions.Item label={t('risk.reading.netLiquidation')}>
              {money(reading.netLiquidation)}
            </Descriptions.Item>
            <Descriptions.Item label={t('risk.reading.dailyPnl')}>
              <span data-testid="risk-daily-pnl">{money(reading.dailyPnl)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('risk.reading.startOfDay')}>
              {money(reading.startOfDayNetLiquidation)}
            </Descriptions.Item>
            <Descriptions.Item label={t('risk.reading.highWaterMark')}>
              {money(reading.highWaterMark)}
            </Descriptions.Item>
            <Descriptions.Item label={t('risk.reading.readAt')}>
              {dayjs(reading.readAt).format('YYYY-MM-DD HH:mm:ss')}
            </Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t('risk.noReading')}</Typography.Text>
        )}
      </Card>
      <div className="risk-scopes">
        {(status?.scopes ?? []).map((scope) => (
          <ScopeCard
            key={scope.scope}
            scope={scope}
            account={account}
            project={projects.find((p) => p.id === scope.projectId)}
            checked={runs.find((r) => r.projectId === scope.projectId && r.preTrade)}
            onDialog={setDialog}
          />
        ))}
      </div>
      <Card size="small" title={t('risk.events.title')}>
        <Table<RiskEventView>
          size="small"
          rowKey="id"
          data-testid="risk-events"
          dataSource={events}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Empty description={t('risk.events.empty')} /> }}
          columns={[
            {
              title: t('risk.events.time'),
              dataIndex: 'time',
              width: 170,
              render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss'),
            },
            {
              title: t('risk.events.scope'),
              dataIndex: 'scope',
              width: 140,
              render: (v: string) => names.get(v) ?? v,
            },
            {
              title: t('risk.events.kind'),
              dataIndex: 'kind',
              width: 150,
              render: (v: string) => (
                <Tag data-kind={v}>{t(`risk.events.kinds.${v}`, { defaultValue: v })}</Tag>
              ),
            },
            {
              title: t('risk.events.evidence'),
              key: 'evidence',
              render: (_: unknown, e) => <Evidence event={e} />,
            },
          ]}
        />
      </Card>
      <StateDialog
        dialog={dialog}
        onClose={(changed) => {
          setDialog(null);
          if (changed) {
            reload();
            loadEvents();
          }
        }}
      />
    </div>
  );
}
