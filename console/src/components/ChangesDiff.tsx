import { type DiffKind, diffChanges } from '../changes-diff';

const KIND_LABEL: Record<DiffKind, string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  unchanged: 'unchanged',
};

/** An admin event's `changes` as a before/after table: one row per field, removed and added values marked. */
export function ChangesDiff({ changes, caption = 'Changes' }: { changes: unknown; caption?: string }) {
  const rows = diffChanges(changes);
  if (rows.length === 0) return <p className="muted">No changes recorded.</p>;
  return (
    <table className="data-table diff-table">
      <caption className="visually-hidden">{caption}: before and after</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path} className={`diff-${r.kind}`}>
            <th scope="row">
              <code>{r.path}</code> <span className={`badge diff-badge-${r.kind}`}>{KIND_LABEL[r.kind]}</span>
            </th>
            <td className={r.kind === 'changed' || r.kind === 'removed' ? 'diff-prev' : undefined}>
              <DiffValue text={r.prev} items={r.items?.removed} sign="−" />
            </td>
            <td className={r.kind === 'changed' || r.kind === 'added' ? 'diff-current' : undefined}>
              <DiffValue text={r.current} items={r.items?.added} sign="+" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DiffValue({
  text,
  items,
  sign,
}: {
  text: string | undefined;
  items?: string[] | undefined;
  sign: string;
}) {
  if (text === undefined) return <span className="muted">(none)</span>;
  return (
    <>
      <code className="diff-value">{text}</code>
      {items && items.length > 0 && (
        <ul className="diff-items">
          {items.map((item) => (
            <li key={item}>
              <span aria-hidden="true">{sign} </span>
              <span className="visually-hidden">{sign === '+' ? 'added: ' : 'removed: '}</span>
              <code>{item}</code>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
