/**
 * An admin event's `changes` (`{field: {prev, current}}`) as the rows of a before/after diff: nested objects
 * are compared field by field (dotted paths), lists of plain values say which items came and went. Plain
 * functions, unit-tested in node; components/ChangesDiff.tsx draws them.
 */

export type DiffKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffRow {
  /** The field, with the path into nested objects (`settings.mfa.required`). */
  path: string;
  kind: DiffKind;
  /** The values as text (undefined: no value on that side). */
  prev: string | undefined;
  current: string | undefined;
  /** For lists of plain values: the items only one side has. */
  items?: { added: string[]; removed: string[] };
}

/** How deep nested objects are compared; below, they are shown whole. */
const MAX_DEPTH = 4;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isAbsent = (v: unknown) => v === undefined || v === null;

/** A value as one line of text: strings as they are, everything else as JSON. */
export function formatValue(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Structural equality of JSON values (object key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

const isPlainList = (v: unknown): v is Array<string | number | boolean | null> =>
  Array.isArray(v) && v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));

function row(path: string, prev: unknown, current: unknown): DiffRow {
  const kind: DiffKind = sameValue(prev, current)
    ? 'unchanged'
    : isAbsent(prev) && !isAbsent(current)
      ? 'added'
      : !isAbsent(prev) && isAbsent(current)
        ? 'removed'
        : 'changed';
  const out: DiffRow = { path, kind, prev: formatValue(prev), current: formatValue(current) };
  if (kind === 'changed' && isPlainList(prev) && isPlainList(current)) {
    const before = prev.map((x) => formatValue(x) ?? '');
    const after = current.map((x) => formatValue(x) ?? '');
    out.items = {
      added: after.filter((x) => !before.includes(x)),
      removed: before.filter((x) => !after.includes(x)),
    };
  }
  return out;
}

function compare(path: string, prev: unknown, current: unknown, depth: number, out: DiffRow[]) {
  if (depth < MAX_DEPTH && isPlainObject(prev) && isPlainObject(current) && !sameValue(prev, current)) {
    const keys = [...new Set([...Object.keys(prev), ...Object.keys(current)])];
    for (const k of keys) compare(`${path}.${k}`, prev[k], current[k], depth + 1, out);
    return;
  }
  out.push(row(path, prev, current));
}

/** The diff of an event's `changes`: one row per changed field (nested objects expanded), in field order. */
export function diffChanges(changes: unknown): DiffRow[] {
  if (!isPlainObject(changes)) return [];
  const out: DiffRow[] = [];
  for (const [field, change] of Object.entries(changes)) {
    if (isPlainObject(change) && ('prev' in change || 'current' in change)) {
      compare(field, change.prev, change.current, 0, out);
    } else {
      // Not in {prev, current} form: shown as its value, with nothing to compare it to.
      out.push({ path: field, kind: 'changed', prev: undefined, current: formatValue(change) });
    }
  }
  return out;
}

const cut = (s: string | undefined, max: number) =>
  s === undefined ? '—' : s.length > max ? `${s.slice(0, max - 1)}…` : s;

/** A one-line summary of the changes for a table cell: `status: active → suspended; +2 more`. */
export function summarizeChanges(changes: unknown, maxFields = 2, maxChars = 24): string {
  const rows = diffChanges(changes).filter((r) => r.kind !== 'unchanged');
  if (rows.length === 0) return '';
  const shown = rows
    .slice(0, maxFields)
    .map((r) => `${r.path}: ${cut(r.prev, maxChars)} → ${cut(r.current, maxChars)}`);
  const more = rows.length - maxFields;
  return more > 0 ? `${shown.join('; ')}; +${more} more` : shown.join('; ');
}
