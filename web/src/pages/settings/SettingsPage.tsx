import { LockOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Row, Select, Skeleton, Space, Tag, Tooltip } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type SettingSource, type SettingView } from '../../api';
import { PageHeader } from '../../components';
import { useServerEvent } from '../../events';
import { TelegramTestButton } from '../alerts';
import { ConnectionTestAlert, useConnectionTest } from '../live';
import { DoctorPanel } from './DoctorPanel';
import { LiveModeModal } from './LiveModeModal';
import { changedValues, type FormValues, groupSettings, initialFormValues, MODE_KEY, MODES } from './model';

const SOURCE_COLOR: Record<SettingSource, string> = {
  env: 'purple',
  file: 'geekblue',
  db: 'green',
  default: 'default',
  unset: 'default',
};

export function SettingsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [settings, setSettings] = useState<SettingView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [liveConfirm, setLiveConfirm] = useState<{ refusal: string | null } | null>(null);
  const connectionTest = useConnectionTest();
  const mode = Form.useWatch(MODE_KEY, form);
  const savedMode = settings?.find((setting) => setting.key === MODE_KEY)?.value ?? null;
  const savedAccount = settings?.find((setting) => setting.key === 'IB_ACCOUNT')?.value ?? null;

  const show = useCallback(
    (next: SettingView[]) => {
      setSettings(next);
      form.resetFields();
      form.setFieldsValue(initialFormValues(next));
    },
    [form],
  );

  const load = useCallback(() => {
    setLoadError(null);
    api
      .getSettings()
      .then((answer) => show(answer.settings))
      .catch((error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)));
  }, [show]);

  useEffect(load, [load]);
  // Another tab or the CLI saved settings: take them, unless the user is in the middle of editing.
  useServerEvent('settings.changed', () => {
    if (!form.isFieldsTouched()) load();
  });

  const label = (key: string): string => {
    const i18nKey = `settings.keys.${key}`;
    return i18n.exists(i18nKey) ? t(i18nKey as 'settings.keys.IB_HOST') : key;
  };

  /**
   * Saves the changed keys. Switching to live goes through the confirmation modal first; `typedAccount`
   * is what the user typed there. Returns the server's refusal of a live switch, if any.
   */
  const onSave = async (typedAccount?: string): Promise<void> => {
    if (!settings) return;
    const changes = changedValues(settings, form.getFieldsValue(true));
    const count = Object.keys(changes).length;
    if (count === 0) {
      message.info(t('settings.noChanges'));
      return;
    }
    const switchingToLive = changes[MODE_KEY] === 'live';
    if (switchingToLive && typedAccount === undefined) {
      setLiveConfirm({ refusal: null });
      return;
    }
    setSaving(true);
    try {
      const answer = await api.updateSettings(changes, switchingToLive ? typedAccount : undefined);
      setLiveConfirm(null);
      show(answer.settings);
      message.success(switchingToLive ? t('settings.live.switched') : t('settings.saved', { count }));
      // Issue 4: saving the IB configuration tests the connection and shows the result.
      if (Object.keys(changes).some((key) => key.startsWith('IB_'))) connectionTest.run();
    } catch (error) {
      const modeRefusal =
        switchingToLive && error instanceof ApiError
          ? error.fields.find((field) => field.field === MODE_KEY)
          : undefined;
      if (switchingToLive) {
        // The modal stays open with the reason, so the user can retype or cancel back to paper.
        setLiveConfirm({
          refusal: modeRefusal?.message ?? (error instanceof Error ? error.message : String(error)),
        });
        if (modeRefusal) return;
      }
      if (error instanceof ApiError && error.status === 400 && error.fields.length > 0) {
        const known = new Set(settings.map((setting) => setting.key));
        const onFields = error.fields.filter((field) => known.has(field.field));
        form.setFields(onFields.map((field) => ({ name: field.field, errors: [field.message] })));
        const elsewhere = error.fields.filter((field) => !known.has(field.field));
        message.error(
          elsewhere.length > 0
            ? elsewhere.map((field) => `${field.field}: ${field.message}`).join('; ')
            : t('settings.validationFailed'),
        );
      } else {
        message.error(t('common.requestFailed', { message: error instanceof Error ? error.message : '' }));
      }
    } finally {
      setSaving(false);
    }
  };

  const cancelLive = () => {
    setLiveConfirm(null);
    // Back to what is saved: nothing changes without the typed confirmation.
    form.setFieldValue(MODE_KEY, savedMode === null ? 'paper' : String(savedMode));
  };

  const sourceTag = (setting: SettingView) => (
    <Tag color={SOURCE_COLOR[setting.source]} className="source-tag" data-testid={`source-${setting.key}`}>
      {t(`settings.source.${setting.source}`)}
    </Tag>
  );

  const field = (setting: SettingView) => {
    const fieldLabel = (
      <span className="setting-label">
        {label(setting.key)}
        <code className="setting-key">{setting.key}</code>
        {sourceTag(setting)}
      </span>
    );
    const testId = `setting-${setting.key}`;
    const masked = setting.value === null || setting.value === '' ? null : String(setting.value);

    if (!setting.editable) {
      const fromOverride = setting.source === 'env' || setting.source === 'file';
      const why = fromOverride
        ? t('settings.readOnlyFrom', { source: t(`settings.source.${setting.source}`) })
        : t('settings.bootstrapOnly');
      return (
        <Form.Item label={fieldLabel} extra={why}>
          <Input
            value={masked ?? ''}
            placeholder={t('settings.unsetPlaceholder')}
            disabled
            data-testid={testId}
            data-readonly="true"
            prefix={setting.secret ? <LockOutlined /> : undefined}
          />
        </Form.Item>
      );
    }
    if (setting.key === MODE_KEY) {
      return (
        <Form.Item
          name={setting.key}
          label={fieldLabel}
          extra={mode === 'live' ? t('settings.liveModeNote') : undefined}
        >
          <Select
            data-testid={testId}
            options={MODES.map((value) => ({ value, label: t(`settings.modes.${value}`) }))}
            onChange={(value: string) => {
              // Picking live asks for the typed confirmation at once; paper needs none.
              if (value === 'live' && savedMode !== 'live') setLiveConfirm({ refusal: null });
            }}
          />
        </Form.Item>
      );
    }
    if (setting.secret) {
      return (
        <Form.Item name={setting.key} label={fieldLabel} extra={t('settings.secretHint')}>
          <Input.Password
            prefix={<LockOutlined />}
            autoComplete="new-password"
            data-testid={testId}
            data-masked={masked ?? ''}
            placeholder={
              masked ? t('settings.secretPlaceholder', { masked }) : t('settings.secretUnsetPlaceholder')
            }
          />
        </Form.Item>
      );
    }
    return (
      <Form.Item name={setting.key} label={fieldLabel}>
        <Input autoComplete="off" data-testid={testId} placeholder={t('settings.unsetPlaceholder')} />
      </Form.Item>
    );
  };

  return (
    <>
      <PageHeader
        title={t('settings.title')}
        subtitle={t('settings.subtitle')}
        extra={
          <Space>
            <Tooltip title={t('common.refresh')}>
              <Button icon={<ReloadOutlined />} onClick={load} aria-label={t('common.refresh')} />
            </Tooltip>
            <Button onClick={() => settings && show(settings)} disabled={!settings || saving}>
              {t('common.reset')}
            </Button>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={saving}
              disabled={!settings}
              onClick={() => void onSave()}
              data-testid="settings-save"
            >
              {t('common.save')}
            </Button>
          </Space>
        }
      />
      {loadError ? (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed', { message: loadError })}
          action={<Button onClick={load}>{t('common.retry')}</Button>}
        />
      ) : null}
      <ConnectionTestAlert state={connectionTest.state} onRetest={connectionTest.run} />
      {!settings && !loadError ? (
        <Card variant="borderless" className="content-card">
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      ) : null}
      {settings ? (
        <Form form={form} layout="vertical" data-testid="settings-form" onFinish={() => void onSave()}>
          <Row gutter={[16, 16]}>
            {groupSettings(settings).map(([group, members]) => (
              <Col key={group} xs={24} xl={12}>
                <Card
                  variant="borderless"
                  className="content-card settings-group"
                  title={t(`settings.groups.${group}`)}
                  data-testid={`settings-group-${group}`}
                  extra={group === 'telegram' ? <TelegramTestButton form={form} /> : undefined}
                >
                  {members.map((setting) => (
                    <div key={setting.key}>{field(setting)}</div>
                  ))}
                </Card>
              </Col>
            ))}
          </Row>
          {/* Enter in a field submits. */}
          <button type="submit" hidden aria-hidden />
        </Form>
      ) : null}
      <div style={{ marginTop: 16 }}>
        <DoctorPanel />
      </div>
      <LiveModeModal
        open={liveConfirm !== null}
        maskedAccount={savedAccount === null || savedAccount === '' ? null : String(savedAccount)}
        refusal={liveConfirm?.refusal ?? null}
        confirming={saving}
        onConfirm={(typed) => void onSave(typed)}
        onCancel={cancelLive}
      />
    </>
  );
}
