import { useId } from 'react';
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
            value={toInputValue(props.window.from, props.tz)}
            onChange={(e) => props.onChange({ from: fromInputValue(e.target.value, props.tz) })}
          />
          <label htmlFor={`${id}-to`}>To</label>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={toInputValue(props.window.to, props.tz)}
            onChange={(e) => props.onChange({ to: fromInputValue(e.target.value, props.tz) })}
          />
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
