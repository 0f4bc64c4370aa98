import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Form, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Theme, type ThemeKind } from '../../api';
import {
  emptyRow,
  MEMBER_COLUMNS,
  type MemberColumn,
  type MemberRow,
  memberCellErrors,
  toMembers,
  toRows,
} from './model';

interface HeaderValues {
  name: string;
  kind: ThemeKind;
  description: string;
}

const HEADER_FIELDS = new Set(['name', 'kind', 'description']);

/** Create (no `theme`) or edit a theme: its header fields and an inline-editable members table. */
export function ThemeEditor({
  open,
  theme,
  onClose,
  onSaved,
}: {
  open: boolean;
  theme: Theme | null;
  onClose: () => void;
  onSaved: (theme: Theme) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<HeaderValues>();
  const [rows, setRows] = useState<MemberRow[]>([]);
  const [cellErrors, setCellErrors] = useState<Map<string, string>>(new Map());
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({
      name: theme?.name ?? '',
      kind: theme?.kind ?? 'system',
      description: theme?.description ?? '',
    });
    setRows(toRows(theme?.members ?? []));
    setCellErrors(new Map());
  }, [open, theme, form]);

  const setCell = (key: number, column: MemberColumn, value: string) => {
    setRows((current) => current.map((row) => (row.key === key ? { ...row, [column]: value } : row)));
    setCellErrors((current) => {
      if (!current.has(`${key}.${column}`)) return current;
      const next = new Map(current);
      next.delete(`${key}.${column}`);
      return next;
    });
  };

  const save = async () => {
    let header: HeaderValues;
    try {
      header = await form.validateFields();
    } catch {
      return;
    }
    const { members, keys } = toMembers(rows);
    setSaving(true);
    try {
      const input = { ...header, members };
      const answer = theme ? await api.updateTheme(theme.id, input) : await api.createTheme(input);
      message.success(t(theme ? 'themes.updated' : 'themes.created', { name: answer.theme.name }));
      onSaved(answer.theme);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) {
        const { cells, others } = memberCellErrors(error.fields, keys);
        setCellErrors(cells);
        const onHeader = others.filter((field) => HEADER_FIELDS.has(field.field));
        form.setFields(
          onHeader.map((field) => ({ name: field.field as keyof HeaderValues, errors: [field.message] })),
        );
        const rest = others.filter((field) => !HEADER_FIELDS.has(field.field));
        message.error(
          rest.length > 0
            ? rest.map((field) => `${field.field}: ${field.message}`).join('; ')
            : t('common.fixMarkedFields'),
        );
      } else {
        message.error(t('common.requestFailed', { message: error instanceof Error ? error.message : '' }));
      }
    } finally {
      setSaving(false);
    }
  };

  const columns = [
    ...MEMBER_COLUMNS.map((column) => ({
      title: t(`themes.members.${column}`),
      key: column,
      width: column === 'symbol' ? 130 : undefined,
      render: (_: unknown, row: MemberRow) => {
        const error = cellErrors.get(`${row.key}.${column}`);
        return (
          <Tooltip title={error} open={error ? undefined : false} color="red">
            <Input
              size="small"
              value={row[column]}
              status={error ? 'error' : undefined}
              data-testid={`member-${column}`}
              data-error={error ?? ''}
              className={column === 'symbol' ? 'mono' : undefined}
              placeholder={t(`themes.members.${column}Placeholder`)}
              onChange={(event) => setCell(row.key, column, event.target.value)}
            />
          </Tooltip>
        );
      },
    })),
    {
      title: '',
      key: 'remove',
      width: 48,
      render: (_: unknown, row: MemberRow) => (
        <Button
          type="text"
          size="small"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('themes.members.remove')}
          data-testid="member-remove"
          onClick={() => setRows((current) => current.filter((other) => other.key !== row.key))}
        />
      ),
    },
  ];

  const errorCount = cellErrors.size;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={860}
      destroyOnHidden
      title={theme ? t('themes.editTitle', { name: theme.name }) : t('themes.createTitle')}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="theme-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form form={form} layout="vertical" data-testid="theme-form">
        <Form.Item
          name="name"
          label={t('themes.fields.name')}
          rules={[{ required: true, whitespace: true, message: t('themes.nameRequired') }]}
        >
          <Input data-testid="theme-name" maxLength={100} />
        </Form.Item>
        <Form.Item name="kind" label={t('themes.fields.kind')}>
          <Select
            data-testid="theme-kind"
            options={(['system', 'project'] as const).map((kind) => ({
              value: kind,
              label: t(`themes.kinds.${kind}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="description" label={t('themes.fields.description')}>
          <Input.TextArea
            data-testid="theme-description"
            autoSize={{ minRows: 2, maxRows: 5 }}
            maxLength={2000}
          />
        </Form.Item>
      </Form>
      <div className="members-toolbar">
        <Typography.Text strong>
          {t('themes.members.title')} · {toMembers(rows).members.length}
        </Typography.Text>
        {errorCount > 0 ? (
          <Typography.Text type="danger" data-testid="member-errors">
            {t('themes.members.errors', { count: errorCount })}
          </Typography.Text>
        ) : null}
        <Button
          icon={<PlusOutlined />}
          onClick={() => setRows((current) => [...current, emptyRow()])}
          data-testid="member-add"
        >
          {t('themes.members.add')}
        </Button>
      </div>
      <Table
        size="small"
        rowKey="key"
        columns={columns}
        dataSource={rows}
        pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
        locale={{ emptyText: t('themes.members.none') }}
        data-testid="members-editor"
      />
    </Drawer>
  );
}
