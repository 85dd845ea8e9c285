import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { IndexSpec, TableSpec } from '../../functions/shared/model/index.js';

/**
 * DynamoDB's published size and capacity rules (Developer Guide, "Item sizes and formats" and "DynamoDB
 * read/write capacity"), applied to the items the handlers really read and write.
 */
export type Item = Record<string, AttributeValue>;

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** Numbers: 1 byte per two significant digits, plus 1 (leading and trailing zeroes trimmed). */
function numberSize(n: string): number {
  const digits = n
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

export function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((a, s) => a + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((a, s) => a + numberSize(s), 0);
  if (v.BS !== undefined) return v.BS.reduce((a, b) => a + b.byteLength, 0);
  // Lists and maps: 3 bytes, plus 1 byte per element, plus the elements (with their names, for maps).
  if (v.L !== undefined) return 3 + v.L.reduce((a, e) => a + 1 + valueSize(e), 0);
  if (v.M !== undefined)
    return 3 + Object.entries(v.M).reduce((a, [k, e]) => a + 1 + utf8(k) + valueSize(e), 0);
  return 0;
}

/** Item size: the UTF-8 length of every attribute name plus the size of its value. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, v] of Object.entries(item)) size += utf8(name) + valueSize(v);
  return size;
}

/** Write request units of a standard (non-transactional) write: 1 per started KB, at least 1. */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Read request units: 1 per started 4 KB (strongly consistent) or half that (eventually consistent), at least one read. */
export const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** The index entry of an item, or undefined when the item lacks an index key (sparse index). */
export function indexEntry(item: Item | undefined, table: TableSpec, index: IndexSpec): Item | undefined {
  if (!item || item[index.pk] === undefined || item[index.sk] === undefined) return undefined;
  const keep = new Set<string>([table.pk, table.sk, index.pk, index.sk]);
  if (index.projection === 'ALL') return item;
  if (index.projection !== 'KEYS_ONLY') for (const a of index.projection) keep.add(a);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k)));
}

const same = (a: Item | undefined, b: Item | undefined) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Index writes caused by one item write (Developer Guide, "Provisioned throughput considerations for global
 * secondary indexes"): a new entry is one write, a removed entry one write, a changed index key two
 * (delete + put), a changed projected attribute one; each sized by the index entry.
 */
export function indexWriteUnits(
  before: Item | undefined,
  after: Item | undefined,
  table: TableSpec,
  index: IndexSpec,
): number {
  const a = indexEntry(before, table, index);
  const b = indexEntry(after, table, index);
  if (!a && !b) return 0;
  if (a && !b) return writeUnits(itemSize(a));
  if (!a && b) return writeUnits(itemSize(b));
  const key = (e: Item) => JSON.stringify([e[index.pk], e[index.sk]]);
  const keyChanged = key(a as Item) !== key(b as Item);
  if (keyChanged) return writeUnits(itemSize(a)) + writeUnits(itemSize(b));
  return same(a, b) ? 0 : writeUnits(itemSize(b));
}

/** Storage DynamoDB bills for an item: its size plus 100 bytes of overhead (and the same per index entry). */
export function storedBytes(item: Item | undefined, table: TableSpec): number {
  if (!item) return 0;
  let bytes = itemSize(item) + 100;
  for (const index of table.indexes) {
    const e = indexEntry(item, table, index);
    if (e) bytes += itemSize(e) + 100;
  }
  return bytes;
}
