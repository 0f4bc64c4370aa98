import { MedicineBoxOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DoctorCheck, DoctorReport } from '../../../../src/contract/ops';
import { request } from '../../api/client';

const STATUS_COLOR: Record<DoctorCheck['status'], string> = {
  pass: 'success',
  warn: 'warning',
  fail: 'error',
  skip: 'default',
};

/** Message params as i18next expects them: null shows as a dash. */
function paramsOf(check: DoctorCheck): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(check.params).map(([k, v]) => [k, v ?? '—']));
}

/** `ibloop doctor` in the settings: each check with its result, what was found and the fix. */
export function DoctorPanel() {
  const { t } = useTranslation();
  const [report, setReport] = useState<DoctorReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = () => {
    setRunning(true);
    setError(null);
    request<DoctorReport>('GET', '/api/ops/doctor')
      .then(setReport)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setRunning(false));
  };

  const columns: ColumnsType<DoctorCheck> = [
    {
      title: t('ops.doctor.columns.check'),
      render: (_: unknown, c) => <span style={{ whiteSpace: 'nowrap' }}>{t(`ops.checks.${c.id}`)}</span>,
    },
    {
      title: t('ops.doctor.columns.status'),
      render: (_: unknown, c) => (
        <Tag color={STATUS_COLOR[c.status]} data-testid={`doctor-status-${c.id}`}>
          {t(`ops.status.${c.status}`)}
        </Tag>
      ),
    },
    {
      title: t('ops.doctor.columns.detail'),
      render: (_: unknown, c) => {
        const params = paramsOf(c);
        const showFix =
          (c.status === 'warn' || c.status === 'fail') && t(`ops.codes.${c.code}.fix`, '') !== '';
        return (
          <Space direction="vertical" size={2}>
            <span>{t(`ops.codes.${c.code}.text`, params)}</span>
            {showFix ? (
              <Typography.Text type="secondary">
                {t('ops.doctor.fix')}
                {t(`ops.codes.${c.code}.fix`, params)}
              </Typography.Text>
            ) : null}
          </Space>
        );
      },
    },
  ];

  return (
    <Card
      variant="borderless"
      className="content-card"
      title={t('ops.doctor.title')}
      data-testid="doctor-panel"
      extra={
        <Button icon={<MedicineBoxOutlined />} loading={running} onClick={run} data-testid="doctor-run">
          {report ? t('ops.doctor.rerun') : t('ops.doctor.run')}
        </Button>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('ops.doctor.intro')}</Typography.Text>
        {error ? <Alert type="error" showIcon title={t('ops.doctor.failed', { message: error })} /> : null}
        {report ? (
          <>
            <Space>
              <span>{t('ops.doctor.overall')}</span>
              <Tag color={STATUS_COLOR[report.overall]} data-testid="doctor-overall">
                {t(`ops.status.${report.overall}`)}
              </Tag>
              <Typography.Text type="secondary">
                {t('ops.doctor.checkedAt', { time: new Date(report.checkedAt).toLocaleString() })}
              </Typography.Text>
            </Space>
            <Table rowKey="id" size="small" pagination={false} columns={columns} dataSource={report.checks} />
          </>
        ) : (
          <Typography.Text type="secondary">{t('ops.doctor.notRun')}</Typography.Text>
        )}
      </Space>
    </Card>
  );
}
