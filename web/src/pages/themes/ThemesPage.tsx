import {
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  ImportOutlined,
  PlusOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Descriptions,
  Popconfirm,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEMO_THEME_NAME } from '../../../../src/contract/demo';
import { api, type Theme, type ThemeMember, type ThemeSummary, themeExportUrl } from '../../api';
import {
  errorText,
  ListDetailLayout,
  ListSearchBox,
  PageHeader,
  RefreshButton,
  SectorBreakdown,
  useListSelection,
} from '../../components';
import { renderEnum } from '../../i18n/messages';
import { CsvImportModal } from './CsvImportModal';
import { ThemeEditor } from './ThemeEditor';

const themeLoaders = {
  loadList: (query: string) => api.listThemes(query).then((answer) => answer.themes),
  loadDetail: (id: number) => api.getTheme(id).then((answer) => answer.theme),
};

export function ThemesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const selection = useListSelection<ThemeSummary[], Theme>(themeLoaders);
  const { query, selectedId, select, detail: selected, reloadList: loadList } = selection;

  const [editing, setEditing] = useState<{ theme: Theme | null } | null>(null);
  const [importing, setImporting] = useState<Theme | null>(null);

  const afterChange = (theme: Theme) => {
    selection.showDetail(theme);
    select(theme.id);
    loadList();
  };

  const remove = async (theme: Theme) => {
    try {
      await api.deleteTheme(theme.id);
      message.success(t('themes.deleted', { name: theme.name }));
      selection.showDetail(null);
      select(null);
      loadList();
    } catch (error) {
      message.error(t('common.requestFailed', { message: errorText(error) }));
    }
  };

  const listColumns: TableColumnsType<ThemeSummary> = [
    {
      title: t('themes.fields.name'),
      dataIndex: 'name',
      key: 'name',
      // Room for whole words: a narrow column broke long names mid-word.
      minWidth: 160,
      render: (name: string) => (
        <Typography.Text strong className="entity-name">
          {name}
        </Typography.Text>
      ),
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
        : (text: string) =>
            // GICS sector names as the data source spells them, in the UI language.
            (column === 'sector' && text ? renderEnum('gicsSector', text) : text) || (
              <Typography.Text type="secondary">—</Typography.Text>
            ),
    sorter: (a: ThemeMember, b: ThemeMember) => a[column].localeCompare(b[column]),
  }));

  return (
    <>
      <PageHeader
        title={t('menu.themes')}
        subtitle={t('pages.themes.description')}
        extra={
          <Space>
            <ListSearchBox
              search={selection.search}
              placeholder={t('themes.searchPlaceholder')}
              testId="theme-search"
            />
            <RefreshButton onClick={loadList} />
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
      <ListDetailLayout
        listTitle={query ? t('themes.searchResults', { query }) : t('themes.all')}
        listCardTestId="theme-list-card"
        query={query}
        items={selection.list}
        columns={listColumns}
        listTestId="theme-list"
        listEmptyText={query ? t('themes.noMatch') : t('themes.noThemes')}
        listError={selection.listError}
        onRetryList={loadList}
        selectedId={selectedId}
        onSelect={select}
        detailError={selection.detailError}
        detailPlaceholder={t('themes.pickOne')}
        detail={
          selected ? (
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
                    {selected.description ||
                      (selected.kind === 'system' && selected.name === DEMO_THEME_NAME
                        ? t('themes.demoDescription')
                        : '—')}
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
          ) : null
        }
      />
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
