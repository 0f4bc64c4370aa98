import { ApiOutlined } from '@ant-design/icons';
import { Alert, Button, Spin } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TestConnectionResult } from '../../api';
import type { Failure } from '../../components';
import { ibReasonLine } from './ib-reason';
import { liveApi } from './live-api';
import { errorText } from './model';

export type ConnectionTestState =
  | { kind: 'idle' }
  | { kind: 'testing' }
  | { kind: 'done'; result: TestConnectionResult }
  | ({ kind: 'failed' } & Failure);

/** Runs `POST /api/ib/test-connection` with the saved settings; only the latest run's answer counts. */
export function useConnectionTest(): { state: ConnectionTestState; run(): void } {
  const [state, setState] = useState<ConnectionTestState>({ kind: 'idle' });
  const latest = useRef(0);
  const run = useCallback(() => {
    const id = ++latest.current;
    setState({ kind: 'testing' });
    liveApi
      .testConnection()
      .then((result) => id === latest.current && setState({ kind: 'done', result }))
      .catch((error: unknown) => id === latest.current && setState({ kind: 'failed', reason: error }));
  }, []);
  return { state, run };
}

/** The outcome of a connection test, said plainly (connected, wrong account for the mode, or why not). */
export function ConnectionTestAlert({ state, onRetest }: { state: ConnectionTestState; onRetest(): void }) {
  const { t } = useTranslation();
  if (state.kind === 'idle') return null;
  const retest = (
    <Button size="small" icon={<ApiOutlined />} onClick={onRetest} disabled={state.kind === 'testing'}>
      {t('liveTrading.testConnection.retest')}
    </Button>
  );
  if (state.kind === 'testing') {
    return (
      <Alert
        type="info"
        className="page-notice"
        data-testid="connection-test"
        data-result="testing"
        icon={<Spin size="small" />}
        showIcon
        title={t('liveTrading.testConnection.testing')}
      />
    );
  }
  if (state.kind === 'failed') {
    return (
      <Alert
        type="error"
        showIcon
        className="page-notice"
        data-testid="connection-test"
        data-result="error"
        title={t('liveTrading.testConnection.requestFailed', { message: errorText(state.reason) })}
        action={retest}
      />
    );
  }
  const { result } = state;
  const detail = t('liveTrading.testConnection.okDetail', {
    version: result.serverVersion ?? '—',
    accounts: result.accounts.length ? result.accounts.join(', ') : '—',
  });
  // Connected (IB answered with a server version) but the account does not fit the mode.
  if (!result.ok && result.serverVersion !== null && !result.modeCheck.ok) {
    return (
      <Alert
        type="warning"
        showIcon
        className="page-notice"
        data-testid="connection-test"
        data-result="mode-mismatch"
        title={t('liveTrading.testConnection.modeMismatch', {
          reason: ibReasonLine(result.modeCheck.reasonCode, result.modeCheck.reason, false) ?? '',
        })}
        description={detail}
        action={retest}
      />
    );
  }
  if (!result.ok) {
    return (
      <Alert
        type="error"
        showIcon
        className="page-notice"
        data-testid="connection-test"
        data-result="failed"
        title={t('liveTrading.testConnection.failed')}
        description={ibReasonLine(result.errorCode, result.error, false) ?? undefined}
        action={retest}
      />
    );
  }
  return (
    <Alert
      type="success"
      showIcon
      className="page-notice"
      data-testid="connection-test"
      data-result="ok"
      title={t('liveTrading.testConnection.ok')}
      description={detail}
      action={retest}
    />
  );
}
