import type { Chip } from '../activity-view';

/** The active filters as removable chips, and a button clearing them all. */
export function FilterChips(props: { chips: Chip[]; onRemove: (chip: Chip) => void; onClear: () => void }) {
  if (props.chips.length === 0) return null;
  return (
    <div className="chips">
      <span className="chips-label" id="active-filters">
        Filters:
      </span>
      <ul aria-labelledby="active-filters">
        {props.chips.map((c) => (
          <li key={`${c.key}=${c.value}`} className="chip">
            <span className="chip-name">{c.label}:</span> <span className="chip-value">{c.text}</span>
            <button
              type="button"
              className="chip-remove"
              aria-label={`Remove filter ${c.label}: ${c.text}`}
              title="Remove this filter"
              onClick={() => props.onRemove(c)}
            >
              <span aria-hidden="true">×</span>
            </button>
          </li>
        ))}
      </ul>
      {props.chips.length > 1 && (
        <button type="button" className="button-link" onClick={props.onClear}>
          Clear all filters
        </button>
      )}
    </div>
  );
}
