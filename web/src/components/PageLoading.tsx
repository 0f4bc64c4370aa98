import { Spin } from 'antd';

/** Shown while a page's chunk loads (once per page; later visits are instant). */
export function PageLoading() {
  return (
    <div className="page-loading" data-testid="page-loading">
      <Spin />
    </div>
  );
}
