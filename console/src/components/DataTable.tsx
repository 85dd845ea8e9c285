import { type ColumnDef, type RowData, tableFeatures, useTable } from '@tanstack/react-table';
import type { ReactNode } from 'react';

/** The console's tables need no client-side features: rows come sorted and paged from the API. */
const features = tableFeatures({});
export type Column<T extends RowData> = ColumnDef<typeof features, T>;

/**
 * A table of API rows (TanStack Table, headless): a caption for assistive technology, header cells with
 * scope, and an optional action per row (the row's first cell holds a button, so keyboard users reach it).
 */
export function DataTable<T extends RowData>(props: {
  caption: string;
  columns: Array<Column<T>>;
  rows: T[];
  rowKey: (row: T) => string;
  /** Marks a row as the open one (its details are shown). */
  selected?: string | undefined;
  footer?: ReactNode;
  /**
   * A click anywhere on a row (mouse users); keyboard users use the control in the row, which must do the
   * same. Clicks on links, buttons and form fields in the row are theirs, not the row's.
   */
  onRowClick?: (row: T) => void;
  /** Extra class of a row (e.g. rows that just arrived). */
  rowClassName?: (row: T) => string | undefined;
  /** The table's class besides `data-table`. */
  className?: string;
}) {
  const table = useTable<typeof features, T>({
    features,
    columns: props.columns,
    data: props.rows,
    getRowId: (row: T) => props.rowKey(row),
  });
  return (
    <div className="table-wrap">
      <table className={props.className ? `data-table ${props.className}` : 'data-table'}>
        <caption className="visually-hidden">{props.caption}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              aria-current={props.selected === row.id ? 'true' : undefined}
              className={
                [props.onRowClick ? 'row-clickable' : '', props.rowClassName?.(row.original) ?? '']
                  .filter(Boolean)
                  .join(' ') || undefined
              }
              onClick={
                props.onRowClick
                  ? (e) => {
                      if ((e.target as Element).closest('a, button, input, select, textarea, label')) return;
                      if (window.getSelection()?.toString()) return; // selecting text, not opening
                      props.onRowClick?.(row.original);
                    }
                  : undefined
              }
            >
              {row.getAllCells().map((cell) => (
                <td key={cell.id}>
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {props.footer}
    </div>
  );
}
