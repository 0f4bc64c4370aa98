import { CloudDownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError, api, type FetchRequest } from '../../api';
import { JobProgress } from '../reports/JobProgress';
import { errorText, type Failure, researchApi } from '../reports/researchApi';
import { useJob } from '../reports/useJob';

const API_KEY = 'ALPHA_VANTAGE_API_KEY';
const SYMBOL = /^[A-Z0-9][A-Z0-9.\-^]{0,19}$/;

interface FetchForm {
  symbols: string[];
  outputSize: 'full' | 'compact';
  dataType: 'csv' | 'json';
  requestsPerMinute: number;
  requestsPerDay: number;
}

/** 'unknown' while settings load (or could not be read): the server still checks on submit. */
type KeyState = 'unknown' | 'set' | 'unset';

export function FetchCard({ onFetched }: { onFetched: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FetchForm>();
  const [keyState, setKeyState] = useState<KeyState>('unknown');
  const [submitting, setSubmitting] = useState(false);
  // 'busy' and the failure, not their texts, so what is shown follows a language switch.
  const [error, setError] = useState<Failure | 'busy' | null>(null);
  const { job, track } = useJob((finished) => {
    if (finished.status === 'succeeded') onFetched();
  });

  // A download started earlier keeps its progress bar when the page is reopened.
  useEffect(() => {
    let cancelled = false;
    researchApi
      .activeJobs('data.fetch')
      .then((jobs) => {
        const active = jobs[0];
        if (!cancelled && active) track(active);
      })
      .catch(() => {
        // Only the earlier download's progress bar is lost.
      });
    return () => {
      cancelled = true;
    };
  }, [track]);

  useEffect(() => {
    let cancelled = false;
    api
      .getSettings()
      .then(({ settings }) => {
        const setting = settings.find((entry) => entry.key === API_KEY);
        if (!cancelled) setKeyState(setting && setting.source !== 'unset' ? 'set' : 'unset');
      })
      .catch(() => {
        if (!cancelled) setKeyState('unknown');
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const submit = async (values: FetchForm) => {
    setSubmitting(true);
    setError(null);
    const request: FetchRequest = {
      symbols: values.symbols.map((symbol) => symbol.trim().toUpperCase()),
      outputSize: values.outputSize,
      dataType: values.dataType,
      requestsPerMinute: values.requestsPerMinute,
      requestsPerDay: values.requestsPerDay,
    };
    try {
      const started = await researchApi.fetchAlpha(request);
      track(started.job);
    } catch (failure) {
      if (failure instanceof ApiError && failure.fields.some((field) => field.field === API_KEY)) {
        setKeyState('unset');
      } else if (failure instanceof ApiError && failure.status === 409) {
        setError('busy');
      } else {
        setError({ reason: failure });
      }
    } finally {
      setSubmitting(false);
    }
  };

  const running = job !== null && (job.status === 'queued' || job.status === 'running');
  return (
    <Card variant="borderless" className="content-card" title={t('reports.data.fetch.title')}>
      {keyState === 'unset' ? (
        <Alert
          className="page-notice"
          type="warning"
          showIcon
          data-testid="fetch-no-key"
          title={t('reports.data.fetch.noKey')}
          description={
            <span>
              {t('reports.data.fetch.noKeyDetail')}{' '}
              <Link to="/settings">{t('reports.data.fetch.toSettings')}</Link>
            </span>
          }
        />
      ) : (
        <Typography.Paragraph type="secondary">{t('reports.data.fetch.hint')}</Typography.Paragraph>
      )}
      <Form<FetchForm>
        form={form}
        layout="vertical"
        onFinish={(values) => void submit(values)}
        initialValues={{
          symbols: [],
          outputSize: 'full',
          dataType: 'csv',
          requestsPerMinute: 5,
          requestsPerDay: 25,
        }}
        disabled={keyState === 'unset' || running}
      >
        <Form.Item
          name="symbols"
          label={t('reports.data.fetch.symbols')}
          rules={[
            { required: true, type: 'array', min: 1, message: t('reports.data.fetch.symbolsRequired') },
            {
              validator: async (_rule, value: string[] | undefined) => {
                const bad = (value ?? []).filter((symbol) => !SYMBOL.test(symbol.trim().toUpperCase()));
                if (bad.length > 0)
                  throw new Error(t('reports.data.fetch.badSymbols', { symbols: bad.join(', ') }));
              },
            },
          ]}
        >
          <Select
            mode="tags"
            tokenSeparators={[',', ' ', '\n']}
            open={false}
            placeholder={t('reports.data.fetch.symbolsHint')}
            data-testid="fetch-symbols"
          />
        </Form.Item>
        <Space wrap size={16}>
          <Form.Item name="outputSize" label={t('reports.data.fetch.outputSize')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'full', label: t('reports.data.fetch.full') },
                { value: 'compact', label: t('reports.data.fetch.compact') },
              ]}
            />
          </Form.Item>
          <Form.Item name="dataType" label={t('reports.data.fetch.dataType')}>
            <Radio.Group
              optionType="button"
              options={[
                { value: 'csv', label: 'CSV' },
                { value: 'json', label: 'JSON' },
              ]}
            />
          </Form.Item>
          <Form.Item name="requestsPerMinute" label={t('reports.data.fetch.perMinute')}>
            <InputNumber min={1} max={10_000} precision={0} />
          </Form.Item>
          <Form.Item name="requestsPerDay" label={t('reports.data.fetch.perDay')}>
            <InputNumber min={1} max={1_000_000} precision={0} />
          </Form.Item>
        </Space>
        <Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            icon={<CloudDownloadOutlined />}
            loading={submitting || running}
            data-testid="fetch-start"
          >
            {t('reports.data.fetch.start')}
          </Button>
        </Form.Item>
      </Form>
      {error ? (
        <Alert
          type="error"
          showIcon
          title={
            error === 'busy'
              ? t('reports.data.fetch.busy')
              : t('common.requestFailed', { message: errorText(error.reason) })
          }
        />
      ) : null}
      {job ? <JobProgress job={job} testId="fetch-job" /> : null}
    </Card>
  );
}
