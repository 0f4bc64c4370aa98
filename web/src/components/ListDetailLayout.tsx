import { Alert, Button, Card, Col, Empty, Row, Skeleton, Table, type TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText, type Failure } from './errorText';

export interface ListDetailLayoutProps<Item extends { id: number }> {
  /** The list card: its title, its test id and the search it shows (as `data-query`). */
  listTitle: ReactNode;
  listCardTestId?: string;
  query?: string;
  /** The rows; `null` while the first answer is awaited. */
  items: Item[] | null;
  columns: TableColumnsType<Item>;
  listTestId: string;
  listEmptyText: ReactNode;
  listError: Failure | null;
  onRetryList: () => void;
  selectedId: number | null;
  onSelect: (id: number) => void;
  detailError: Failure | null;
  /** Shown while no row is selected. */
  detailPlaceholder: ReactNode;
  /** The selected row's detail; `null` while there is none to show. */
  detail: ReactNode;
}

/** A list card on the left and the selected row's detail on the right, as the list/detail pages show them. */
export function ListDetailLayout<Item extends { id: number }>({
  listTitle,
  listCardTestId,
  query,
  items,
  columns,
  listTestId,
  listEmptyText,
  listError,
  onRetryList,
  selectedId,
  onSelect,
  detailError,
  detailPlaceholder,
  detail,
}: ListDetailLayoutProps<Item>) {
  const { t } = useTranslation();
  const hasDetail = detail !== null && detail !== undefined && detail !== false;
  return (
    <>
      {listError ? (
        <Alert
          type="error"
          showIcon
          title={t('common.loadFailed', { message: errorText(listError.reason) })}
          action={<Button onClick={onRetryList}>{t('common.retry')}</Button>}
          className="page-notice"
        />
      ) : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={9}>
          <Card
            variant="borderless"
            className="content-card"
            title={listTitle}
            data-testid={listCardTestId}
            data-query={query}
          >
            {items === null && !listError ? (
              <Skeleton active />
            ) : (
              <Table<Item>
                size="middle"
                rowKey="id"
                columns={columns}
                dataSource={items ?? []}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                data-testid={listTestId}
                rowClassName={(row) => (row.id === selectedId ? 'row-selected' : '')}
                onRow={(row) => ({ onClick: () => onSelect(row.id), style: { cursor: 'pointer' } })}
                locale={{ emptyText: <Empty description={listEmptyText} /> }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          {detailError ? (
            <Alert
              type="error"
              showIcon
              title={t('common.loadFailed', { message: errorText(detailError.reason) })}
            />
          ) : null}
          {!hasDetail && !detailError ? (
            <Card variant="borderless" className="content-card">
              <Empty description={detailPlaceholder} />
            </Card>
          ) : null}
          {hasDetail ? detail : null}
        </Col>
      </Row>
    </>
  );
}
