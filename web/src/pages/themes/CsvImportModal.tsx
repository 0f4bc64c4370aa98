import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal, Segmented, Space, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type FieldError, type Theme, type ThemeImportMode } from '../../api';
import { parseCsvField } from './model';

const CSV_HEADER = 'symbol,name,sector,industry';

/** Paste or upload `symbol,name,sector,industry`; a 400 lists every bad line instead of importing any. */
export function CsvImportModal({
  theme,
  onClose,
  onImported,
}: {
  theme: Theme | null;
  onClose: () => void;
  onImported: (theme: Theme) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [csv, setCsv] = useState('');
  const [mode, setMode] = useState<ThemeImportMode>('merge');
  const [fileName, setFileName] = useState<string | null>(null);
  const [lineErrors, setLineErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    if (!theme) return;
    setCsv('');
    setFileName(null);
    setLineErrors([]);
    setFailure(null);
  }, [theme]);

  const submit = async () => {
    if (!theme) return;
    setImporting(true);
    setLineErrors([]);
    setFailure(null);
    try {
      const answer = await api.importTheme(theme.id, csv, mode);
      message.success(t('themes.import.done', { count: answer.theme.memberCount }));
      onImported(answer.theme);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) setLineErrors(error.fields);
      else setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setImporting(false);
    }
  };

  return (
    <Modal
      open={theme !== null}
      onCancel={onClose}
      width={720}
      destroyOnHidden
      title={t('themes.import.title', { name: theme?.name ?? '' })}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="import"
          type="primary"
          loading={importing}
          disabled={csv.trim() === ''}
          onClick={() => void submit()}
          data-testid="import-submit"
        >
          {t('themes.import.submit')}
        </Button>,
      ]}
    >
      <Space vertical size="middle" style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t('themes.import.hint')} <code className="mono">{CSV_HEADER}</code>
        </Typography.Text>
        <Space wrap>
          <Segmented<ThemeImportMode>
            value={mode}
            onChange={setMode}
            data-testid="import-mode"
            options={[
              { value: 'merge', label: t('themes.import.modes.merge') },
              { value: 'replace', label: t('themes.import.modes.replace') },
            ]}
          />
          <Upload
            accept=".csv,text/csv,text/plain"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(file) => {
              // Read in the browser and show it in the text box: the user sees what will be sent.
              void file.text().then((text) => {
                setCsv(text);
                setFileName(file.name);
              });
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="import-file">
              {t('themes.import.chooseFile')}
            </Button>
          </Upload>
          {fileName ? <Typography.Text type="secondary">{fileName}</Typography.Text> : null}
        </Space>
        <Typography.Text type="secondary">
          {mode === 'merge' ? t('themes.import.mergeHint') : t('themes.import.replaceHint')}
        </Typography.Text>
        <Input.TextArea
          value={csv}
          onChange={(event) => setCsv(event.target.value)}
          placeholder={`${CSV_HEADER}\nNVDA,NVIDIA Corp,Information Technology,Semiconductors`}
          autoSize={{ minRows: 8, maxRows: 16 }}
          className="mono"
          data-testid="import-csv"
        />
        {lineErrors.length > 0 ? (
          <Alert
            type="error"
            showIcon
            data-testid="import-errors"
            title={t('themes.import.failed', { count: lineErrors.length })}
            description={
              <ul className="import-errors">
                {lineErrors.map((field) => {
                  const { line, column } = parseCsvField(field.field);
                  return (
                    <li key={`${field.field}|${field.message}`} data-testid="import-error">
                      {line !== null ? <strong>{t('themes.import.line', { line })}</strong> : null}{' '}
                      <code className="mono">{column}</code>: {field.message}
                    </li>
                  );
                })}
              </ul>
            }
          />
        ) : null}
        {failure ? (
          <Alert type="error" showIcon title={t('common.requestFailed', { message: failure })} />
        ) : null}
      </Space>
    </Modal>
  );
}
