import { ExperimentOutlined } from '@ant-design/icons';
import { Alert, Descriptions, Space } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { renderEnum } from '../../i18n/messages';
import { AlphaParityButton } from './AlphaParity';
import { CheckButton } from './CheckButton';
import { decisionsApi, type ParityResult } from './decisions-api';

/** Numbers in full (shortest round-trip form): a parity difference can be in the last bit. */
function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return JSON.stringify(value);
}

const PARITY_FIELDS = ['inputs', 'scores', 'weightsBefore', 'weightsAfter', 'asOf', 'dropped'] as const;
type ParityField = (typeof PARITY_FIELDS)[number];
const isParityField = (field: string): field is ParityField =>
  (PARITY_FIELDS as readonly string[]).includes(field);

function ParityAnswer({ result }: { result: ParityResult }) {
  const { t } = useTranslation();
  if (!result.recomputable)
    return (
      <Alert
        type="info"
        showIcon
        data-testid="parity-result"
        data-parity="not-recomputable"
        title={t('decisions.parity.notRecomputable', { kind: renderEnum('snapshotKind', result.kind) })}
      />
    );
  if (result.equal || !result.firstDifference)
    return (
      <Alert
        type="success"
        showIcon
        data-testid="parity-result"
        data-parity="equal"
        title={t('decisions.parity.equal', result.compared)}
      />
    );
  const diff = result.firstDifference;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="parity-result"
      data-parity="different"
      title={t('decisions.parity.different', {
        field: isParityField(diff.field) ? t(`decisions.parity.fields.${diff.field}`) : diff.field,
      })}
      description={
        <Descriptions size="small" column={1}>
          {diff.symbol ? (
            <Descriptions.Item label={t('decisions.parity.symbol')}>
              <span className="mono">{diff.symbol}</span>
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t('decisions.parity.stored')}>
            <span className="mono">{formatValue(diff.stored)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('decisions.parity.recomputed')}>
            <span className="mono">{formatValue(diff.recomputed)}</span>
          </Descriptions.Item>
        </Descriptions>
      }
    />
  );
}

/** Recomputes the run's decision from the stored inputs on the server and shows equality or the first difference. */
export function ParityButton({ runId }: { runId: number }) {
  const { t } = useTranslation();
  const load = useCallback(() => decisionsApi.parity(runId), [runId]);
  return (
    <CheckButton
      icon={<ExperimentOutlined />}
      label={t('decisions.parity.button')}
      testId="parity-button"
      load={load}
      render={(result) => <ParityAnswer result={result} />}
    />
  );
}

/** The run view's parity tab: bit-for-bit recomputation on IB data, and the research backtest beside it. */
export function RunParity({ runId }: { runId: number }) {
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="run-parity">
      <ParityButton runId={runId} />
      <AlphaParityButton runId={runId} />
    </Space>
  );
}
