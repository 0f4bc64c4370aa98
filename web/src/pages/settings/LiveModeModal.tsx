import { WarningOutlined } from '@ant-design/icons';
import { Alert, Input, Modal, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The one step between paper and real money: the user reads the risk and types the account id
 * again. The server checks the id (and refuses paper `DU` accounts); its refusal is shown here.
 */
export function LiveModeModal({
  open,
  maskedAccount,
  refusal,
  confirming,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  /** The saved account as the server shows it (e.g. `U7****21`), or null when none is saved. */
  maskedAccount: string | null;
  /** The server's reason for refusing the last attempt. */
  refusal: string | null;
  confirming: boolean;
  onConfirm: (typedAccount: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');

  useEffect(() => {
    if (open) setTyped('');
  }, [open]);

  const trimmed = typed.trim();
  return (
    <Modal
      open={open}
      title={
        <Space>
          <WarningOutlined className="live-warning-icon" />
          {t('settings.live.title')}
        </Space>
      }
      okText={t('settings.live.confirm')}
      cancelText={t('settings.live.cancel')}
      okButtonProps={{ danger: true, disabled: trimmed === '', loading: confirming }}
      onOk={() => onConfirm(trimmed)}
      onCancel={onCancel}
      destroyOnHidden
      maskClosable={false}
    >
      <Space vertical size="middle" style={{ width: '100%' }} data-testid="live-confirm-modal">
        <Alert
          type="warning"
          showIcon
          title={t('settings.live.risk')}
          description={t('settings.live.riskDetail')}
        />
        <Typography.Paragraph style={{ marginBottom: 0 }}>
          {maskedAccount
            ? t('settings.live.typeAccount', { masked: maskedAccount })
            : t('settings.live.typeAccountNoSaved')}
        </Typography.Paragraph>
        <Input
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          onPressEnter={() => trimmed !== '' && onConfirm(trimmed)}
          placeholder={t('settings.live.placeholder')}
          autoComplete="off"
          spellCheck={false}
          className="mono"
          data-testid="live-confirm-account"
        />
        {refusal ? (
          <Alert
            type="error"
            showIcon
            title={t('settings.live.refused')}
            description={refusal}
            data-testid="live-confirm-error"
          />
        ) : null}
      </Space>
    </Modal>
  );
}
