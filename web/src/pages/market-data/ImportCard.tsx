import { FolderOpenOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Collapse, Progress, Space, Table, Tag, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd/es/upload/interface';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportFile, ImportResponse, JobProgressEvent } from '../../api';
import { useServerEvent } from '../../events';
import { renderMessage } from '../../i18n/messages';
import { errorText, type Failure, researchApi } from '../reports/researchApi';

/** Requests stay well under the server's 64 MB limit, and progress moves per batch. */
const BATCH_BYTES = 8 * 1024 * 1024;
const BATCH_FILES = 50;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let offset = 0; offset < bytes.length; offset += step) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + step));
  }
  return btoa(binary);
}

async function readFile(file: File): Promise<ImportFile> {
  if (file.name.toLowerCase().endsWith('.gz')) {
    return { name: file.name, contentBase64: toBase64(new Uint8Array(await file.arrayBuffer())) };
  }
  return { name: file.name, content: await file.text() };
}

function batches(files: readonly File[]): File[][] {
  const out: File[][] = [];
  let current: File[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + file.size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

const CSV_NAME = /\.csv(\.gz)?$/i;

/** Files are sent by the Import button, not on selection; a folder's other files are skipped. */
function keepCsv(file: File): boolean | string {
  return CSV_NAME.test(file.name) ? false : Upload.LIST_IGNORE;
}

type Outcome = Pick<ImportResponse, 'imported' | 'failed'>;

const RESULT_COLORS = { created: 'green', updated: 'blue', unchanged: 'default' } as const;

export function ImportCard({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [fileList, setFileList] = useState<UploadFile[]>([]);
  const [running, setRunning] = useState(false);
  const [done, setDone] = useState({ batches: 0, of: 0, inBatch: 0 });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<Failure | null>(null);

  useServerEvent('job.progress', (event: JobProgressEvent) => {
    if (running && event.kind === 'data.import' && event.status === 'running') {
      setDone((current) => ({ ...current, inBatch: event.progress }));
    }
  });

  const start = async () => {
    const files = fileList.flatMap((entry) => (entry.originFileObj ? [entry.originFileObj as File] : []));
    if (files.length === 0) return;
    const groups = batches(files);
    setRunning(true);
    setError(null);
    setOutcome(null);
    setDone({ batches: 0, of: groups.length, inBatch: 0 });
    const total: Outcome = { imported: [], failed: [] };
    try {
      for (const [index, group] of groups.entries()) {
        const answer = await researchApi.importFiles(await Promise.all(group.map(readFile)));
        total.imported.push(...answer.imported);
        total.failed.push(...answer.failed);
        setOutcome({ imported: [...total.imported], failed: [...total.failed] });
        setDone({ batches: index + 1, of: groups.length, inBatch: 0 });
      }
      setFileList([]);
    } catch (failure) {
      setError({ reason: failure });
    } finally {
      setRunning(false);
      onImported();
    }
  };

  const percent = done.of === 0 ? 0 : Math.round(((done.batches + done.inBatch) / done.of) * 100);
  return (
    <Card variant="borderless" className="content-card" title={t('reports.data.import.title')}>
      <Typography.Paragraph type="secondary">{t('reports.data.import.hint')}</Typography.Paragraph>
      <Upload.Dragger
        multiple
        accept=".csv,.gz"
        fileList={fileList}
        beforeUpload={keepCsv}
        onChange={({ fileList: next }) => setFileList(next)}
        disabled={running}
        data-testid="import-files"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('reports.data.import.drop')}</p>
      </Upload.Dragger>
      <Space className="import-actions">
        <Upload
          directory
          showUploadList={false}
          fileList={fileList}
          beforeUpload={keepCsv}
          onChange={({ fileList: next }) => setFileList(next)}
          disabled={running}
        >
          <Button icon={<FolderOpenOutlined />} disabled={running}>
            {t('reports.data.import.folder')}
          </Button>
        </Upload>
        <Button
          type="primary"
          icon={<UploadOutlined />}
          disabled={fileList.length === 0}
          loading={running}
          onClick={() => void start()}
          data-testid="import-start"
        >
          {t('reports.data.import.start', { count: fileList.length })}
        </Button>
      </Space>
      {running || done.of > 0 ? (
        <Progress
          data-testid="import-progress"
          percent={running ? percent : 100}
          status={running ? 'active' : error ? 'exception' : 'success'}
          format={() => t('reports.data.import.batches', { done: done.batches, of: done.of })}
        />
      ) : null}
      {error ? (
        <Alert
          type="error"
          showIcon
          title={t('common.requestFailed', { message: errorText(error.reason) })}
        />
      ) : null}
      {outcome ? <ImportOutcome outcome={outcome} /> : null}
    </Card>
  );
}

function ImportOutcome({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  return (
    <div data-testid="import-outcome" className="import-outcome">
      <Alert
        type={outcome.failed.length > 0 ? 'warning' : 'success'}
        showIcon
        title={t('reports.data.import.summary', {
          imported: outcome.imported.length,
          failed: outcome.failed.length,
        })}
      />
      {outcome.failed.length > 0 ? (
        <Collapse
          size="small"
          defaultActiveKey={outcome.failed.slice(0, 3).map((file) => file.name)}
          data-testid="import-failed"
          items={outcome.failed.map((file) => ({
            key: file.name,
            label: (
              <Space>
                <Tag color="red">{t('reports.data.import.rejected')}</Tag>
                <span className="mono">{file.name}</span>
                <Typography.Text type="secondary">
                  {t('reports.data.import.errorCount', { count: file.errors.length })}
                </Typography.Text>
              </Space>
            ),
            children: (
              <ul className="import-line-errors">
                {file.errors.map((lineError) => (
                  <li key={`${lineError.line}:${lineError.message}`}>
                    {lineError.text ? (
                      // A known problem: a sentence in the UI language naming the file, line and field.
                      renderMessage(lineError.text)
                    ) : (
                      <>
                        <span className="mono">
                          {lineError.line === 0
                            ? t('reports.data.import.wholeFile')
                            : t('reports.data.import.line', { line: lineError.line })}
                        </span>{' '}
                        {lineError.message}
                      </>
                    )}
                  </li>
                ))}
              </ul>
            ),
          }))}
        />
      ) : null}
      {outcome.imported.length > 0 ? (
        <Table
          size="small"
          rowKey="name"
          data-testid="import-imported"
          pagination={outcome.imported.length > 10 ? { pageSize: 10 } : false}
          dataSource={outcome.imported}
          columns={[
            {
              title: t('reports.data.import.file'),
              dataIndex: 'name',
              render: (name: string) => <span className="mono">{name}</span>,
            },
            { title: t('reports.data.columns.symbol'), dataIndex: 'symbol' },
            {
              title: t('reports.data.import.result'),
              dataIndex: 'result',
              render: (result: keyof typeof RESULT_COLORS) => (
                <Tag color={RESULT_COLORS[result]}>{t(`reports.data.import.results.${result}`)}</Tag>
              ),
            },
            { title: t('reports.data.columns.rows'), dataIndex: 'rows', align: 'right' as const },
          ]}
        />
      ) : null}
    </div>
  );
}
