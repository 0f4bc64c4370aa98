import { SendOutlined } from '@ant-design/icons';
import { App, Button, type FormInstance, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { alertsApi } from './alerts-api';

const KEYS = ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID', 'TELEGRAM_API_BASE'] as const;

/**
 * Sends a test message with what the form holds now (saved values for empty fields). A refusal is
 * shown on the field it concerns, with the Bot API's own text.
 */
export function TelegramTestButton({ form }: { form: FormInstance<Record<string, string | undefined>> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [sending, setSending] = useState(false);

  const send = async () => {
    const values: Record<string, string | undefined> = {};
    for (const key of KEYS) {
      const typed = form.getFieldValue(key) as string | undefined;
      if (typed?.trim()) values[key] = typed.trim();
    }
    setSending(true);
    form.setFields(KEYS.map((name) => ({ name, errors: [] })));
    try {
      const answer = await alertsApi.sendTest(values);
      message.success(t('alerts.test.sent', { bot: answer.botUsername }));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof ApiError && error.fields.length > 0) {
        const known = error.fields.filter((field) => (KEYS as readonly string[]).includes(field.field));
        form.setFields(known.map((field) => ({ name: field.field, errors: [field.message] })));
      }
      message.error(t('alerts.test.failed', { message: text }));
    } finally {
      setSending(false);
    }
  };

  return (
    <Tooltip title={t('alerts.test.hint')}>
      <Button
        size="small"
        icon={<SendOutlined />}
        loading={sending}
        onClick={() => void send()}
        data-testid="telegram-test"
      >
        {t('alerts.test.button')}
      </Button>
    </Tooltip>
  );
}
