import { Alert, Button, Space } from 'antd';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, type Failure } from '../../components/errorText';

/**
 * A button that asks the server to check something (verify, parity) and shows the answer below it,
 * or the catalogued reason it could not. `immediate` checks once on mount too.
 */
export function CheckButton<T>({
  icon,
  label,
  testId,
  load,
  render,
  immediate = false,
}: {
  icon: ReactNode;
  label: string;
  testId: string;
  load: () => Promise<T>;
  render: (result: T) => ReactNode;
  immediate?: boolean;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ value: T } | null>(null);
  const [error, setError] = useState<Failure | null>(null);
  const check = useCallback(() => {
    setBusy(true);
    setError(null);
    load()
      .then((value) => setResult({ value }))
      .catch((reason: unknown) => {
        setResult(null);
        setError({ reason });
      })
      .finally(() => setBusy(false));
  }, [load]);
  useEffect(() => {
    if (immediate) check();
  }, [immediate, check]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button icon={icon} loading={busy} onClick={check} data-testid={testId}>
        {label}
      </Button>
      {result && !busy ? render(result.value) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          data-testid={`${testId}-error`}
          title={t('common.requestFailed', { message: errorText(error.reason) })}
        />
      ) : null}
    </Space>
  );
}
