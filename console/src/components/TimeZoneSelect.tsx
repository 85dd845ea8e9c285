import { useId } from 'react';
import type { TimeZoneMode } from '../time-range';

/** "Times in UTC / local time", for pages without a time-range picker (its value lives in the URL as `tz`). */
export function TimeZoneSelect(props: { tz: TimeZoneMode; onChange: (tz: TimeZoneMode) => void }) {
  const id = useId();
  return (
    <span className="tz-select">
      <label htmlFor={id}>Times in</label>{' '}
      <select id={id} value={props.tz} onChange={(e) => props.onChange(e.target.value as TimeZoneMode)}>
        <option value="utc">UTC</option>
        <option value="local">Local time</option>
      </select>
    </span>
  );
}

export const tzOf = (v: string | undefined): TimeZoneMode => (v === 'local' ? 'local' : 'utc');
