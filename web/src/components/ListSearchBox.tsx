import { Input } from 'antd';
import type { SearchBoxState } from './useListSelection';

/** The search box of a list page, bound to the address bar through `useListSelection`. */
export function ListSearchBox({
  search,
  placeholder,
  testId,
}: {
  search: SearchBoxState;
  placeholder: string;
  testId: string;
}) {
  return (
    <Input.Search
      allowClear
      value={search.text}
      onChange={(event) => search.setText(event.target.value)}
      onSearch={search.submit}
      placeholder={placeholder}
      style={{ width: 320 }}
      data-testid={testId}
    />
  );
}
