import { Col, Descriptions, Divider, Form, InputNumber, Row, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ProjectParams } from '../../api';
import { PIPELINE_NUMBER_FIELDS, pipelineOf, TIMED_STEPS } from './pipeline-fields';

const LEFTOVER = ['cancel', 'reprice', 'leave'] as const;
const FALLBACK = ['stand-still', 'last-good'] as const;

/**
 * The weekly pipeline's settings in the project form (`params.pipeline`): retries, back-off, time-outs
 * (one for every step, and per step where set), the run's window, leftovers and the fallback policy.
 * No ranges here: the server owns them and its 400 lands on the field.
 */
export function PipelineFields() {
  const { t } = useTranslation();
  return (
    <>
      <Divider titlePlacement="start">{t('pipeline.form.group')}</Divider>
      <Row gutter={16}>
        {PIPELINE_NUMBER_FIELDS.map((key) => (
          <Col span={12} key={key}>
            <Form.Item
              name={['params', 'pipeline', key]}
              label={t(`pipeline.form.fields.${key}`)}
              extra={t(`pipeline.form.hints.${key}`)}
            >
              <InputNumber style={{ width: '100%' }} data-testid={`project-pipeline-${key}`} />
            </Form.Item>
          </Col>
        ))}
        <Col span={12}>
          <Form.Item name={['params', 'pipeline', 'leftover']} label={t('pipeline.form.fields.leftover')}>
            <Select
              data-testid="project-pipeline-leftover"
              options={LEFTOVER.map((value) => ({ value, label: t(`pipeline.form.leftover.${value}`) }))}
            />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={['params', 'pipeline', 'fallback']} label={t('pipeline.form.fields.fallback')}>
            <Select
              data-testid="project-pipeline-fallback"
              options={FALLBACK.map((value) => ({ value, label: t(`pipeline.form.fallback.${value}`) }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <Divider titlePlacement="start" plain>
        {t('pipeline.form.stepTimeouts')}
      </Divider>
      <Row gutter={16}>
        {TIMED_STEPS.map((step) => (
          <Col span={8} key={step}>
            <Form.Item
              name={['params', 'pipeline', 'stepTimeoutsMs', step]}
              label={t(`pipeline.steps.${step}`)}
            >
              <InputNumber
                style={{ width: '100%' }}
                placeholder={t('pipeline.form.stepTimeoutDefault')}
                data-testid={`project-pipeline-timeout-${step}`}
              />
            </Form.Item>
          </Col>
        ))}
      </Row>
    </>
  );
}

/** The pipeline settings as read on the project page. */
export function PipelineParamsView({ params }: { params: ProjectParams }) {
  const { t } = useTranslation();
  const settings = pipelineOf(params);
  const steps = TIMED_STEPS.filter((step) => settings.stepTimeoutsMs?.[step] !== undefined);
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, md: 2 }}
      title={t('pipeline.form.group')}
      data-testid="project-pipeline-params"
    >
      {PIPELINE_NUMBER_FIELDS.map((key) => (
        <Descriptions.Item key={key} label={t(`pipeline.form.fields.${key}`)}>
          {settings[key]}
        </Descriptions.Item>
      ))}
      <Descriptions.Item label={t('pipeline.form.fields.leftover')}>
        {t(`pipeline.form.leftover.${settings.leftover}`)}
      </Descriptions.Item>
      <Descriptions.Item label={t('pipeline.form.fields.fallback')}>
        {t(`pipeline.form.fallback.${settings.fallback}`)}
      </Descriptions.Item>
      {steps.length > 0 ? (
        <Descriptions.Item label={t('pipeline.form.stepTimeouts')}>
          {steps
            .map((step) => `${t(`pipeline.steps.${step}`)} ${settings.stepTimeoutsMs?.[step]}`)
            .join(' · ')}
        </Descriptions.Item>
      ) : null}
    </Descriptions>
  );
}
