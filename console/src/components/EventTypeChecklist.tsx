import { useId, useMemo, useState } from 'react';
import { CATALOG, type Category } from '../../../functions/shared/model/catalog';
import { CATEGORY_NAMES } from '../../../functions/shared/model/catalog.js';
import type { Source } from '../../../functions/shared/model/sources';
import { SOURCE_NAMES } from '../../../functions/shared/model/sources.js';

/**
 * A choice of event types from the catalog, grouped by source and category, with a filter box: for a
 * stream's event types and a report's type filter. Types of other sources than `sources` are not offered.
 */
export function EventTypeChecklist(props: {
  id: string;
  legend: string;
  sources: readonly Source[];
  value: readonly string[];
  onChange: (types: string[]) => void;
  hint?: string;
  error?: string | undefined;
}) {
  const uid = useId();
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const out: Array<{ key: string; label: string; types: typeof CATALOG }> = [];
    for (const source of props.sources) {
      const byCategory = new Map<Category, Array<(typeof CATALOG)[number]>>();
      for (const t of CATALOG) {
        if (t.source !== source) continue;
        if (f && !t.type.toLowerCase().includes(f) && !t.name.toLowerCase().includes(f)) continue;
        const list = byCategory.get(t.category) ?? [];
        list.push(t);
        byCategory.set(t.category, list);
      }
      for (const [category, types] of byCategory) {
        // With several sources, each group says its source too (unless the category says it already).
        const label =
          props.sources.length === 1 || CATEGORY_NAMES[category] === SOURCE_NAMES[source]
            ? CATEGORY_NAMES[category]
            : `${SOURCE_NAMES[source]}: ${CATEGORY_NAMES[category]}`;
        out.push({ key: `${source}:${category}`, label, types });
      }
    }
    return out;
  }, [filter, props.sources]);
  const selected = new Set(props.value);
  const toggle = (type: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(type);
    else next.delete(type);
    props.onChange([...next]);
  };
  const describedBy = [props.hint ? `${uid}-hint` : '', props.error ? `${uid}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset
      id={props.id}
      className="type-checklist"
      tabIndex={-1}
      aria-describedby={describedBy || undefined}
      aria-invalid={props.error ? true : undefined}
    >
      <legend>{props.legend}</legend>
      {props.hint && (
        <p id={`${uid}-hint`} className="hint">
          {props.hint}
        </p>
      )}
      <div className="checklist-tools">
        <label htmlFor={`${uid}-filter`} className="visually-hidden">
          Filter event types
        </label>
        <input
          id={`${uid}-filter`}
          type="search"
          placeholder="Filter event types…"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted" aria-live="polite">
          {props.value.length} selected
        </span>
        {props.value.length > 0 && (
          <button type="button" className="button-link" onClick={() => props.onChange([])}>
            Clear
          </button>
        )}
      </div>
      <div className="checklist">
        {groups.length === 0 && <p className="muted">No event type matches “{filter}”.</p>}
        {groups.map((g) => (
          <fieldset key={g.key} className="checklist-group">
            <legend>{g.label}</legend>
            {g.types.map((t) => (
              <label key={t.type} className="check">
                <input
                  type="checkbox"
                  checked={selected.has(t.type)}
                  onChange={(e) => toggle(t.type, e.target.checked)}
                />{' '}
                {t.name} <code className="muted">{t.type}</code>
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      {props.error && (
        <p id={`${uid}-error`} className="field-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
