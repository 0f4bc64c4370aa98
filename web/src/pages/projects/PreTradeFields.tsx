import { Col, Divider, Form, InputNumber, Row, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { PRE_TRADE_FIELDS } from './pretrade-fields';

/** The pre-trade limits in the project form, under the risk group. */

export function PreTradeFields() {
  const { t } = useTranslation();
  return (
    <>
      <Divider titlePlacement="start" plain>
        {t('pretrade.form.group')}
      </Divider>
      <Row gutter={16}>
        {PRE_TRADE_FIELDS.map(({ key, hint, step }) => (
          <Col span={12} key={key}>
            <Form.Item
              name={['params', 'risk', key]}
              label={t(`pretrade.form.fields.${key}`)}
              extra={t(`pretrade.form.hints.${hint}`)}
            >
              <InputNumber style={{ width: '100%' }} step={step} data-testid={`project-${key}`} />
            </Form.Item>
          </Col>
        ))}
        <Col span={12}>
          <Form.Item
            name={['params', 'risk', 'allowShort']}
            label={t('pretrade.form.fields.allowShort')}
            valuePropName="checked"
          >
            <Switch data-testid="project-allowShort" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
