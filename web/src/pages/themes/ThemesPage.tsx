import {
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  ImportOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Popconfirm,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, type Theme, type ThemeMember, type ThemeSummary, themeExportUrl } from '../../api';
import { PageHeader, SectorBreakdown } from '../../components';
import { CsvImportModal } from './CsvImportModal';
import { ThemeEditor } from './ThemeEditor';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function ThemesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.get('q') ?? '';
  const selectedId = Number(searchParams.get('id')) || null;

  const [themes, setThemes] = useState<ThemeSummary[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Theme | null>(null);
  const [detailError, setDetailError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ theme: Theme | null } | null>(null);
  const [importing, setImporting] = useState<Theme | null>(null);
  const [searchText, setSearchText] = useState(query);

  const setParams = useCallback(
    (changes: { q?: string; id?: number | null }) => {
      // From the address bar, not a render's snapshot: two quick changes must not undo each other.
      const next = new URLSearchParams(window.location.search);
      if (changes.q !== undefined) {
        if (changes.q) next.set('q', changes.q);
        else next.delete('q');
      }
      if (changes.id !== undefined) {
        if (changes.id) next.set('id', String(changes.id));
        else next.delete('id');
      }
      setSearchParams(next);
    },
    [setSearchParams],
  );

  const [listVersion, setListVersion] = useState(0);
  const loadList = useCallback(() => setListVersion((version) => version + 1), []);
  useEffect(() => {
    // listVersion is a reload request; only the answer to the latest query may land.
    void listVersion;
    let current = true;
    setListError(null);
    api
      .listThemes(query)
      .then((answer) => current && setThemes(answer.themes))
      .catch((error: unknown) => current && setListError(errorText(error)));
    return () => {
      current = false;
    };
  }, [query, listVersion]);

  const detailRequest = useRef(0);
  const loadDetail = useCallback(() => {
    // Clicking through themes quickly: only the answer for the last click may land.
    const request = ++detailRequest.current;
    setDetailError(null);
    if (!selectedId) {
      setSelected(null);
      return;
    }
    api
      .getTheme(selectedId)
      .then((answer) => request === detailRequest.current && setSelected(answer.theme))
      .catch((error: unknown) => {
        if (request !== detailRequest.current) return;
        setSelected(null);
        setDetailError(errorText(error));
      });
  }, [selectedId]);

  useEffect(loadDetail, [loadDetail]);
  // The address bar updates at once but the page re-renders later (router transitions); by then
  // the user may be typing the next search. Only a query that did not come from this box (back,
  // forward, a link) may overwrite what is typed.
  const submittedQuery = useRef(query);
  useEffect(() => {
    if (query !== submittedQuery.current) setSearchText(query);
    submittedQuery.current = query;
  }, [query]);
  const submitSearch = (value: string) => {
    submittedQuery.current = value.trim();
    setParams({ q: value.trim() });
  };

  const afterChange = (theme: Theme) => {
    setSelected(theme);
    setParams({ id: theme.id });
    loadList();
  };

  const remove = async (theme: Theme) => {
    try {
      await api.deleteTheme(theme.id);
      message.success(t('themes.deleted', { name: theme.name }));
      setSelected(null);
      setParams({ id: null });
      loadList();
    } catch (error) {
      message.error(t('common.requestFailed', { message: errorText(error) }));
    }
  };

  const listColumns = [
    {
      title: t('themes.fields.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: t('themes.fields.kind'),
      dataIndex: 'kind',
      key: 'kind',
      width: 90,
      render: (kind: ThemeSummary['kind']) => (
        <Tag color={kind === 'system' ? 'geekblue' : 'purple'}>{t(`themes.kinds.${kind}`)}</Tag>
      ),
    },
    {
      title: t('themes.fields.memberCount'),
      dataIndex: 'memberCount',
      key: 'memberCount',
      width: 80,
      align: 'right' as const,
    },
    {
      title: t('themes.fields.updatedAt'),
      dataIndex: 'updatedAt',
      key: 'updatedAt',
      width: 110,
      render: (time: string) => dayjs(time).format('YYYY-MM-DD'),
    },
  ];

  const memberColumns = (['symbol', 'name', 'sector', 'industry'] as const).map((column) => ({
    title: t(`themes.members.${column}`),
    dataIndex: column,
    key: column,
    render:
      column === 'symbol'
        ? (symbol: string) => <span className="mono">{symbol}</span>
        : (text: string) => text || <Typography.Text type="secondary">—</Typography.Text>,
    sorter: (a: ThemeMember, b: ThemeMember) => a[column].localeCompare(b[column]),
  }));

  return (
    <>
      <PageHeader
        title={t('menu.themes')}
        subtitle={t('pages.themes.description')}
        extra={
          <Space>
            <Input.Search
              allowClear
              value={searchText}
              onChange={(event) => setSearchText(event.target.value)}
              onSearch={submitSearch}
              placeholder={t('themes.searchPlaceholder')}
              style={{ width: 320 }}
              data-testid="theme-search"
            />
            <Tooltip title={t('common.refresh')}>
              <Button icon={<ReloadOutlined />} onClick={loadList} aria-label={t('common.refresh')} />
            </Tooltip>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setEditing({ theme: null })}
              data-testid="theme-create"
            >
              {t('themes.create')}
            </Button>
          </Space>
        }
      />
      {listError ? (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed', { message: listError })}
          action={<Button onClick={loadList}>{t('common.retry')}</Button>}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <Card
            variant="borderless"
            className="content-card"
            title={query ? t('themes.searchResults', { query }) : t('themes.all')}
            data-testid="theme-list-card"
            data-query={query}
          >
            {themes === null && !listError ? (
              <Skeleton active />
            ) : (
              <Table
                size="middle"
                rowKey="id"
                columns={listColumns}
                dataSource={themes ?? []}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                data-testid="theme-list"
                rowClassName={(row) => (row.id === selectedId ? 'row-selected' : '')}
                onRow={(row) => ({ onClick: () => setParams({ id: row.id }), style: { cursor: 'pointer' } })}
                locale={{
                  emptyText: <Empty description={query ? t('themes.noMatch') : t('themes.noThemes')} />,
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          {detailError ? (
            <Alert type="error" showIcon title={t('common.loadFailed', { message: detailError })} />
          ) : null}
          {!selected && !detailError ? (
            <Card variant="borderless" className="content-card">
              <Empty description={t('themes.pickOne')} />
            </Card>
          ) : null}
          {selected ? (
            <Space vertical size={16} style={{ width: '100%' }}>
              <Card
                variant="borderless"
                className="content-card"
                data-testid="theme-detail"
                title={
                  <Space>
                    <span data-testid="theme-detail-name">{selected.name}</span>
                    <Tag color={selected.kind === 'system' ? 'geekblue' : 'purple'}>
                      {t(`themes.kinds.${selected.kind}`)}
                    </Tag>
                  </Space>
                }
                extra={
                  <Space wrap>
                    <Button
                      icon={<EditOutlined />}
                      onClick={() => setEditing({ theme: selected })}
                      data-testid="theme-edit"
                    >
                      {t('common.edit')}
                    </Button>
                    <Button
                      icon={<ImportOutlined />}
                      onClick={() => setImporting(selected)}
                      data-testid="theme-import"
                    >
                      {t('themes.import.open')}
                    </Button>
                    <Button
                      icon={<DownloadOutlined />}
                      href={themeExportUrl(selected.id)}
                      data-testid="theme-export"
                    >
                      {t('themes.export')}
                    </Button>
                    <Popconfirm
                      title={t('themes.deleteConfirm', { name: selected.name })}
                      description={t('themes.deleteDetail')}
                      okText={t('common.delete')}
                      okButtonProps={{ danger: true }}
                      cancelText={t('common.cancel')}
                      onConfirm={() => remove(selected)}
                    >
                      <Button danger icon={<DeleteOutlined />} data-testid="theme-delete">
                        {t('common.delete')}
                      </Button>
                    </Popconfirm>
                  </Space>
                }
              >
                <Descriptions column={{ xs: 1, md: 3 }} size="small">
                  <Descriptions.Item label={t('themes.fields.memberCount')}>
                    <span data-testid="theme-member-count">{selected.members.length}</span>
                  </Descriptions.Item>
                  <Descriptions.Item label={t('themes.fields.updatedAt')}>
                    {dayjs(selected.updatedAt).format('YYYY-MM-DD HH:mm:ss')}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('themes.fields.description')}>
                    {selected.description || '—'}
                  </Descriptions.Item>
                </Descriptions>
              </Card>
              <Card variant="borderless" className="content-card" title={t('sectors.title')}>
                <SectorBreakdown members={selected.members} />
              </Card>
              <Card variant="borderless" className="content-card" title={t('themes.members.title')}>
                <Table
                  size="small"
                  rowKey="symbol"
                  columns={memberColumns}
                  dataSource={selected.members}
                  pagination={{ pageSize: 15, hideOnSinglePage: true, showSizeChanger: false }}
                  data-testid="theme-members"
                  locale={{ emptyText: t('themes.members.none') }}
                />
              </Card>
            </Space>
          ) : null}
        </Col>
      </Row>
      <ThemeEditor
        open={editing !== null}
        theme={editing?.theme ?? null}
        onClose={() => setEditing(null)}
        onSaved={(theme) => {
          setEditing(null);
          afterChange(theme);
        }}
      />
      <CsvImportModal
        theme={importing}
        onClose={() => setImporting(null)}
        onImported={(theme) => {
          setImporting(null);
          afterChange(theme);
        }}
      />
    </>
  );
}
