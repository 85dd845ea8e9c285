import { useEffect, useId, useState } from 'react';
import { fromInputValue, RANGES, type TimeZoneMode, toInputValue, type Window } from '../time-range';

/**
 * The time-range picker: last 15 minutes … 30 days or a custom window, shown and entered in UTC or in the
 * browser's time zone. Its values live in the URL (`range`, `from`, `to`, `tz`).
 */
export function TimeRangePicker(props: {
  range: string;
  window: Window;
  tz: TimeZoneMode;
  onChange: (patch: {
    range?: string;
    from?: string | undefined;
    to?: string | undefined;
    tz?: TimeZoneMode;
  }) => void;
}) {
  const id = useId();
  const custom = props.range === 'custom';
  // What is typed in the custom fields: applied only when it is a window (both times, from not after to);
  // until then the page keeps showing the last good one and the fields say what is wrong.
  const [draft, setDraft] = useState({
    from: toInputValue(props.window.from, props.tz),
    to: toInputValue(props.window.to, props.tz),
  });
  useEffect(() => {
    setDraft({
      from: toInputValue(props.window.from, props.tz),
      to: toInputValue(props.window.to, props.tz),
    });
  }, [props.window.from, props.window.to, props.tz]);
  const edit = (next: { from: string; to: string }) => {
    setDraft(next);
    const from = fromInputValue(next.from, props.tz);
    const to = fromInputValue(next.to, props.tz);
    if (from && to && from <= to) props.onChange({ from, to });
  };
  const from = fromInputValue(draft.from, props.tz);
  const to = fromInputValue(draft.to, props.tz);
  const problem = !custom
    ? undefined
    : !from || !to
      ? 'Enter both times.'
      : from > to
        ? '“From” must not be after “To”.'
        : undefined;
  return (
    <fieldset className="time-range">
      <legend className="visually-hidden">Time range</legend>
      <label htmlFor={`${id}-range`}>Time range</label>
      <select
        id={`${id}-range`}
        value={props.range}
        onChange={(e) =>
          e.target.value === 'custom'
            ? props.onChange({ range: 'custom', from: props.window.from, to: props.window.to })
            : props.onChange({ range: e.target.value, from: undefined, to: undefined })
        }
      >
        {RANGES.map((r) => (
          <option key={r.id} value={r.id}>
            {r.label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom && (
        <>
          <label htmlFor={`${id}-from`}>From</label>
          <input
            id={`${id}-from`}
            type="datetime-local"
            value={draft.from}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => edit({ ...draft, from: e.target.value })}
          />
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={draft.to}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => edit({ ...draft, to: e.target.value })}
          />
          {problem && (
            <span id={`${id}-problem`} className="field-error" role="alert">
              {problem} Showing the last valid range.
            </span>
          )}
        </>
      )}
      <label htmlFor={`${id}-tz`}>Times in</label>
      <select
        id={`${id}-tz`}
        value={props.tz}
        onChange={(e) => props.onChange({ tz: e.target.value as TimeZoneMode })}
      >
        <option value="utc">UTC</option>
        <option value="local">Local time</option>
      </select>
    </fieldset>
  );
}
