import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Source } from '../../../functions/shared/model/sources';
import { typeName } from '../activity-view';
import { filterTypeGroups, toggleGroup, toggleType, typeGroups } from '../type-groups';

/**
 * Multi-select of event types from the catalog: a button that opens a panel of checkboxes in fieldsets (one
 * per source and category, with its legend), narrowed by a text filter. The selection applies as it is made;
 * Escape or Done closes the panel and returns focus to the button.
 */
export function TypePicker(props: {
  sources: readonly Source[];
  selected: readonly string[];
  onChange: (types: string[]) => void;
  /** The control's name ("Event type", "Action"). */
  label: string;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const groups = useMemo(() => typeGroups(props.sources), [props.sources]);
  const shown = useMemo(() => filterTypeGroups(groups, text), [groups, text]);
  const matching = shown.reduce((n, g) => n + g.types.length, 0);
  // The selection as made here, ahead of the URL it is applied to (a navigation React may render later).
  const [picked, setPicked] = useState<readonly string[]>(props.selected);
  const urlSelection = props.selected.join(',');
  useEffect(() => setPicked(urlSelection ? urlSelection.split(',') : []), [urlSelection]);
  const selected = new Set(picked);
  const change = (types: string[]) => {
    setPicked(types);
    props.onChange(types);
  };

  const close = (focusButton: boolean) => {
    setOpen(false);
    if (focusButton) button.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    search.current?.focus();
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !button.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const summary =
    picked.length === 0
      ? 'All'
      : picked.length === 1
        ? typeName(picked[0] as string)
        : `${picked.length} selected`;

  return (
    <div className="type-picker">
      <span className="type-picker-label" id={`${id}-label`}>
        {props.label}
      </span>
      <button
        ref={button}
        type="button"
        className="type-picker-button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        aria-labelledby={`${id}-label ${id}-summary`}
        onClick={() => setOpen((o) => !o)}
      >
        <span id={`${id}-summary`}>{summary}</span>
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      {open && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the panel closes it
        <div
          ref={panel}
          id={`${id}-panel`}
          className="type-picker-panel"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              close(true);
            }
          }}
        >
          <div className="type-picker-top">
            <label htmlFor={`${id}-filter`}>Find a type</label>
            <input
              ref={search}
              id={`${id}-filter`}
              type="search"
              value={text}
              autoComplete="off"
              aria-describedby={`${id}-count`}
              onChange={(e) => setText(e.target.value)}
            />
            <span id={`${id}-count`} className="muted" role="status">
              {text ? `${matching} matching` : `${matching} types`}
              {picked.length > 0 ? `, ${picked.length} selected` : ''}
            </span>
          </div>
          <div className="type-picker-groups">
            {shown.map((g) => {
              const all = g.types.every((t) => selected.has(t.type));
              return (
                <fieldset key={g.id}>
                  <legend>{g.legend}</legend>
                  <button
                    type="button"
                    className="button-link small"
                    onClick={() => change(toggleGroup(picked, g, !all))}
                  >
                    {all ? 'Clear' : 'Select'} all {g.types.length}
                    <span className="visually-hidden"> of {g.legend}</span>
                  </button>
                  <ul>
                    {g.types.map((t) => (
                      <li key={t.type}>
                        <label className="type-option">
                          <input
                            type="checkbox"
                            checked={selected.has(t.type)}
                            onChange={(e) => change(toggleType(picked, t.type, e.target.checked))}
                          />
                          <span>{t.name}</span>
                          {t.name !== t.type && <code className="type-id">{t.type}</code>}
                        </label>
                      </li>
                    ))}
                  </ul>
                </fieldset>
              );
            })}
            {shown.length === 0 && <p className="muted">No event type matches “{text}”.</p>}
          </div>
          <div className="type-picker-actions">
            <button type="button" className="button-secondary" onClick={() => change([])}>
              Clear selection
            </button>
            <button type="button" className="button-primary" onClick={() => close(true)}>
              Done
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
