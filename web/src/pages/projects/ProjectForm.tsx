import { Alert, App, Button, Col, Divider, Drawer, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ApiError,
  api,
  type Project,
  type ProjectInput,
  type ProjectParams,
  type ThemeSummary,
} from '../../api';
import { defaultParams, fieldReason, placeFieldErrors, WEEKDAYS } from './model';
import { PipelineFields } from './PipelineFields';
import { PreTradeFields } from './PreTradeFields';
import { mergePipeline, pipelineOf } from './pipeline-fields';

/** Numbers are not clamped here: the server owns the ranges and its 400 lands on the field. */
function NumberField({
  name,
  label,
  hint,
  step,
  testId,
}: {
  name: string[];
  label: string;
  hint?: string;
  step?: number;
  testId: string;
}) {
  return (
    <Form.Item name={name} label={label} extra={hint}>
      <InputNumber style={{ width: '100%' }} step={step} data-testid={testId} />
    </Form.Item>
  );
}

/** Create (no `project`) or edit a project; saving changed params makes the server add a version. */
export function ProjectForm({
  open,
  project,
  onClose,
  onSaved,
}: {
  open: boolean;
  project: Project | null;
  onClose: () => void;
  onSaved: (project: Project) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProjectInput>();
  const [themes, setThemes] = useState<ThemeSummary[]>([]);
  const [themesError, setThemesError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [generalErrors, setGeneralErrors] = useState<string[]>([]);
  const orderType = Form.useWatch(['params', 'execution', 'orderType'], form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({
      name: project?.name ?? '',
      description: project?.description ?? '',
      params: project ? { ...project.params, pipeline: pipelineOf(project.params) } : defaultParams(),
    });
    setGeneralErrors([]);
    setThemesError(null);
    api
      .listThemes()
      .then((answer) => setThemes(answer.themes))
      .catch((error: unknown) => setThemesError(error instanceof Error ? error.message : String(error)));
  }, [open, project, form]);

  const save = async () => {
    let values: ProjectInput;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const base = project?.params ?? defaultParams();
    // Groups merge over what was there, so a field the form does not show is kept, not dropped.
    const params: ProjectParams = {
      themeIds: values.params.themeIds ?? [],
      model: { ...base.model, ...values.params.model },
      portfolio: { ...base.portfolio, ...values.params.portfolio },
      schedule: { ...base.schedule, ...values.params.schedule },
      risk: { ...base.risk, ...values.params.risk },
      execution: { ...base.execution, ...values.params.execution },
      pipeline: mergePipeline(base, values.params.pipeline),
    };
    const input: ProjectInput = { name: values.name, description: values.description ?? '', params };
    setSaving(true);
    setGeneralErrors([]);
    try {
      const answer = project ? await api.updateProject(project.id, input) : await api.createProject(input);
      const changedVersion = project && answer.project.currentVersion !== project.currentVersion;
      message.success(
        project
          ? changedVersion
            ? t('projects.savedVersion', { version: answer.project.currentVersion })
            : t('projects.savedNoVersion')
          : t('projects.created', { name: answer.project.name }),
      );
      onSaved(answer.project);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) {
        const { placed, unplaced } = placeFieldErrors(error.fields);
        form.setFields(placed.map((field) => ({ name: field.name as never, errors: field.errors })));
        setGeneralErrors(unplaced.map((field) => `${field.field}: ${fieldReason(field)}`));
        message.error(t('common.fixMarkedFields'));
      } else {
        const text = error instanceof Error ? error.message : String(error);
        setGeneralErrors([text]);
        message.error(t('common.requestFailed', { message: text }));
      }
    } finally {
      setSaving(false);
    }
  };

  const p = (group: string, key: string) => ['params', group, key];
  const pct = t('projects.hints.fraction');

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={820}
      destroyOnHidden
      title={project ? t('projects.editTitle', { name: project.name }) : t('projects.createTitle')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="project-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {project ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('projects.versionNote', { version: project.currentVersion })}
        />
      ) : null}
      {generalErrors.length > 0 ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="project-general-errors"
          title={generalErrors.join('; ')}
        />
      ) : null}
      <Form form={form} layout="vertical" data-testid="project-form" requiredMark={false}>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="name"
              label={t('projects.fields.name')}
              rules={[{ required: true, whitespace: true, message: t('projects.nameRequired') }]}
            >
              <Input maxLength={100} data-testid="project-name" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['params', 'themeIds']} label={t('projects.fields.themes')}>
              <Select
                mode="multiple"
                data-testid="project-themes"
                placeholder={t('projects.pickThemes')}
                optionFilterProp="label"
                options={themes.map((theme) => ({
                  value: theme.id,
                  label: `${theme.name} (${theme.memberCount})`,
                }))}
                notFoundContent={themesError ? t('common.loadFailed', { message: themesError }) : undefined}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('projects.fields.description')}>
          <Input.TextArea
            autoSize={{ minRows: 2, maxRows: 4 }}
            maxLength={2000}
            data-testid="project-description"
          />
        </Form.Item>

        <Divider titlePlacement="start">{t('projects.groups.model')}</Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name={p('model', 'family')} label={t('projects.fields.family')}>
              <Select
                data-testid="project-family"
                options={(['rule', 'ridge', 'gbt'] as const).map((family) => ({
                  value: family,
                  label: t(`projects.families.${family}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <NumberField name={p('model', 'seed')} label={t('projects.fields.seed')} testId="project-seed" />
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('projects.groups.portfolio')}</Divider>
        <Row gutter={16}>
          <Col span={8}>
            <NumberField
              name={p('portfolio', 'topN')}
              label={t('projects.fields.topN')}
              testId="project-topN"
            />
          </Col>
          <Col span={8}>
            <Form.Item name={p('portfolio', 'weighting')} label={t('projects.fields.weighting')}>
              <Select
                data-testid="project-weighting"
                options={(['equal', 'score', 'inverse_volatility'] as const).map((weighting) => ({
                  value: weighting,
                  label: t(`projects.weightings.${weighting}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <NumberField
              name={p('portfolio', 'maxWeight')}
              label={t('projects.fields.maxWeight')}
              hint={pct}
              step={0.01}
              testId="project-maxWeight"
            />
          </Col>
          <Col span={8}>
            <NumberField
              name={p('portfolio', 'sectorCap')}
              label={t('projects.fields.sectorCap')}
              hint={pct}
              step={0.05}
              testId="project-sectorCap"
            />
          </Col>
          <Col span={8}>
            <NumberField
              name={p('portfolio', 'cashBuffer')}
              label={t('projects.fields.cashBuffer')}
              hint={pct}
              step={0.01}
              testId="project-cashBuffer"
            />
          </Col>
          <Col span={8}>
            <NumberField
              name={p('portfolio', 'turnoverLimit')}
              label={t('projects.fields.turnoverLimit')}
              hint={t('projects.hints.turnover')}
              step={0.05}
              testId="project-turnoverLimit"
            />
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('projects.groups.schedule')}</Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name={p('schedule', 'weekday')} label={t('projects.fields.weekday')}>
              <Select
                data-testid="project-weekday"
                options={WEEKDAYS.map(({ day, key }) => ({
                  value: day,
                  label: t(`projects.weekdays.${key}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <NumberField
              name={p('schedule', 'minutesAfterOpen')}
              label={t('projects.fields.minutesAfterOpen')}
              hint={t('projects.hints.minutesAfterOpen')}
              testId="project-minutesAfterOpen"
            />
          </Col>
        </Row>

        <PipelineFields />

        <Divider titlePlacement="start">{t('projects.groups.risk')}</Divider>
        <Row gutter={16}>
          {(['maxPositionWeight', 'maxSectorWeight', 'maxGrossExposure', 'maxDailyLoss'] as const).map(
            (key) => (
              <Col span={12} key={key}>
                <NumberField
                  name={p('risk', key)}
                  label={t(`projects.fields.${key}`)}
                  hint={key === 'maxGrossExposure' ? t('projects.hints.gross') : pct}
                  step={0.01}
                  testId={`project-${key}`}
                />
              </Col>
            ),
          )}
        </Row>
        <PreTradeFields />

        <Divider titlePlacement="start">{t('projects.groups.execution')}</Divider>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name={p('execution', 'orderType')} label={t('projects.fields.orderType')}>
              <Select
                data-testid="project-orderType"
                options={(['MKT', 'LMT'] as const).map((type) => ({
                  value: type,
                  label: t(`projects.orderTypes.${type}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <NumberField
              name={p('execution', 'limitOffsetBps')}
              label={t('projects.fields.limitOffsetBps')}
              hint={
                orderType === 'LMT' ? t('projects.hints.limitOffset') : t('projects.hints.limitOffsetUnused')
              }
              testId="project-limitOffsetBps"
            />
          </Col>
          <Col span={8}>
            <NumberField
              name={p('execution', 'minTradeValue')}
              label={t('projects.fields.minTradeValue')}
              hint={t('projects.hints.minTradeValue')}
              testId="project-minTradeValue"
            />
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
