/**
 * The event-type picker's groups: the catalog's types of a page's sources, grouped by source and category
 * (admin types split into the Admin Portal's and this service's own), and narrowed by a text filter.
 */
import { CATALOG, CATEGORY_NAMES, type EventType } from '../../functions/shared/model/catalog.js';
import { SOURCE_NAMES, type Source } from '../../functions/shared/model/sources.js';

export interface TypeGroup {
  id: string;
  /** The fieldset's legend. */
  legend: string;
  source: Source;
  types: readonly EventType[];
}

/** The catalog's types of these sources, grouped, each group's types by display name. */
export function typeGroups(sources: readonly Source[]): TypeGroup[] {
  const groups = new Map<string, TypeGroup & { types: EventType[] }>();
  for (const t of CATALOG) {
    if (!sources.includes(t.source)) continue;
    let id: string;
    let legend: string;
    if (t.source === 'admin') {
      // Mosaic's Admin Portal, seed 004's administrator activity, and this service's own.
      id = t.origin.service ? 'admin-service' : t.origin.seed004 ? 'admin-audit-log' : 'admin-portal';
      legend = t.origin.service
        ? 'This service (streams, directory, reports)'
        : t.origin.seed004
          ? CATEGORY_NAMES.AUDIT_LOG
          : 'Admin Portal';
    } else {
      id = `${t.source}-${t.category}`;
      legend =
        t.source === 'cis'
          ? `${SOURCE_NAMES.cis}: ${CATEGORY_NAMES[t.category]}`
          : `${CATEGORY_NAMES[t.category]} (${t.source})`;
    }
    let g = groups.get(id);
    if (!g) {
      g = { id, legend, source: t.source, types: [] };
      groups.set(id, g);
    }
    g.types.push(t);
  }
  const out = [...groups.values()];
  for (const g of out) g.types.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
  return out;
}

/** The groups narrowed to the types whose display name, id or description contains the text (any case). */
export function filterTypeGroups(groups: readonly TypeGroup[], text: string): TypeGroup[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...groups];
  return groups
    .map((g) => ({
      ...g,
      types: g.types.filter(
        (t) =>
          t.name.toLowerCase().includes(q) ||
          t.type.toLowerCase().includes(q) ||
          t.description.toLowerCase().includes(q),
      ),
    }))
    .filter((g) => g.types.length > 0);
}

/** The selection with a type added or removed. */
export function toggleType(selected: readonly string[], type: string, on: boolean): string[] {
  const rest = selected.filter((t) => t !== type);
  return on ? [...rest, type] : rest;
}

/** The selection with every type of a group added (on) or removed. */
export function toggleGroup(selected: readonly string[], group: TypeGroup, on: boolean): string[] {
  const ids = new Set(group.types.map((t) => t.type));
  const rest = selected.filter((t) => !ids.has(t));
  return on ? [...rest, ...group.types.map((t) => t.type)] : rest;
}
