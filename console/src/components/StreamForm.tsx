import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useState } from 'react';
import type { DestinationKind } from '../../../functions/shared/destinations/registry';
import { SOURCES, type Source } from '../../../functions/shared/model/sources';
import { SOURCE_NAMES } from '../../../functions/shared/model/sources.js';
import { ApiError, useApi } from '../api';
import { DESTINATION_FORMS, DESTINATION_KINDS, destinationFields } from '../destinations';
import {
  emptyStreamForm,
  type PlacedErrors,
  placeErrors,
  type StreamFormValues,
  streamRequestBody,
} from '../stream-form';
import { fromInputValue, type TimeZoneMode, toInputValue } from '../time-range';
import { EventTypeChecklist } from './EventTypeChecklist';
import { ErrorMessage } from './StateView';

/** Seed 003's descriptions of the event sources. */
const SOURCE_HINTS: Record<Source, string> = {
  cis: 'Authentication, user management and journey events, such as a user created or a journey completed.',
  verify: 'Identity verification events, such as document verification and face authentication.',
  risk: 'Fraud prevention events, such as an action event triggered or a recommendation given.',
  admin: 'Administrative actions and changes to settings, such as adding admins or changing a stream.',
};

const fieldId = (prefix: string, field: string) => `${prefix}-${field.replace(/[^a-z0-9]/gi, '-')}`;

/** A created stream, as far as the form needs it. */
export interface CreatedStream {
  stream_id: string;
  name: string;
}

/**
 * "+ Add stream": every setting of POST /streams. Client-side hints only: the API is the judge, and its
 * validation errors are shown beside the fields they name (`destination.url`, `batch_size`, `event_types[2]`),
 * with the focus on the first of them.
 */
export function StreamForm(props: {
  tz: TimeZoneMode;
  onCreated: (s: CreatedStream) => void;
  onCancel: () => void;
}) {
  const api = useApi();
  const prefix = useId().replace(/:/g, '');
  const [v, setV] = useState<StreamFormValues>(emptyStreamForm);
  const [errors, setErrors] = useState<PlacedErrors | undefined>();
  const [focusTick, setFocusTick] = useState(0);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.send<CreatedStream>('POST', '/streams', body),
    onSuccess: (s) => props.onCreated(s),
    onError: (err) => {
      if (err instanceof ApiError && err.details.length > 0) {
        setErrors(placeErrors(err.details, v.kind));
        setFocusTick((n) => n + 1);
      } else setErrors(undefined);
    },
  });
  // After a refusal: the first field the API named gets the focus (its message is read with it).
  useEffect(() => {
    if (focusTick === 0 || !errors?.first) return;
    document.getElementById(fieldId(prefix, errors.first))?.focus();
  }, [focusTick, errors, prefix]);

  const set = (patch: Partial<StreamFormValues>) => setV((prev) => ({ ...prev, ...patch }));
  const err = (field: string) => errors?.byField[field];
  const id = (field: string) => fieldId(prefix, field);
  /** The aria attributes of a field: its hint and its error describe it. */
  const described = (field: string, hint?: boolean) => {
    const ids = [hint ? `${id(field)}-hint` : '', err(field) ? `${id(field)}-error` : ''].filter(Boolean);
    return {
      id: id(field),
      'aria-invalid': err(field) ? true : undefined,
      'aria-describedby': ids.length ? ids.join(' ') : undefined,
    };
  };
  const kindForm = DESTINATION_FORMS[v.kind];
  const otherErrors = errors?.other ?? [];
  const unplacedError =
    create.error && !(create.error instanceof ApiError && create.error.details.length > 0);

  return (
    <form
      className="stream-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(streamRequestBody(v));
      }}
    >
      {errors && (
        <div className="form-errors" role="alert">
          The API did not accept the stream: {Object.keys(errors.byField).length + otherErrors.length}{' '}
          {Object.keys(errors.byField).length + otherErrors.length === 1 ? 'problem' : 'problems'}, shown
          beside {Object.keys(errors.byField).length === 1 ? 'its field' : 'their fields'}.
          {otherErrors.length > 0 && (
            <ul>
              {otherErrors.map((d) => (
                <li key={`${d.path}:${d.message}`}>
                  <code>{d.path}</code> {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {unplacedError && <ErrorMessage error={create.error} />}

      <Field
        label="Stream identifier"
        field="name"
        id={id}
        error={err('name')}
        hint="A name you recognise, 1–128 characters."
      >
        <input
          {...described('name', true)}
          type="text"
          autoComplete="off"
          value={v.name}
          onChange={(e) => set({ name: e.target.value })}
        />
      </Field>

      <fieldset
        className="field radio-cards"
        id={id('type')}
        tabIndex={-1}
        aria-invalid={err('type') ? true : undefined}
        aria-describedby={err('type') ? `${id('type')}-error` : undefined}
      >
        <legend>Event source</legend>
        {SOURCES.map((s) => (
          <label key={s} className="radio-card">
            <input
              type="radio"
              name={`${prefix}-source`}
              value={s}
              checked={v.type === s}
              onChange={() =>
                // Types of another source would be refused: the chosen ones are kept only if they are of this one.
                set({ type: s, types: [] })
              }
            />
            <span>
              <strong>{SOURCE_NAMES[s]}</strong> <code>{s}</code>
              <span className="hint">{SOURCE_HINTS[s]}</span>
            </span>
          </label>
        ))}
        <FieldError id={`${id('type')}-error`} message={err('type')} />
      </fieldset>

      <fieldset className="field destination">
        <legend>Stream destination</legend>
        <Field
          label="Destination"
          field="destination.kind"
          id={id}
          error={err('destination.kind')}
          hint={kindForm.description}
        >
          <select
            {...described('destination.kind', true)}
            value={v.kind}
            onChange={(e) => set({ kind: e.target.value as DestinationKind })}
          >
            {DESTINATION_KINDS.map((k) => (
              <option key={k} value={k}>
                {DESTINATION_FORMS[k].label}
              </option>
            ))}
          </select>
        </Field>
        {destinationFields(v.kind).map(({ name, spec }) => {
          const field = `destination.${name}`;
          return (
            <Field
              key={`${v.kind}.${name}`}
              label={`${spec.label}${spec.required ? '' : ' (optional)'}`}
              field={field}
              id={id}
              error={err(field)}
              hint={spec.hint}
            >
              {spec.choices ? (
                <select
                  {...described(field, true)}
                  value={v.destination[name] ?? ''}
                  onChange={(e) => set({ destination: { ...v.destination, [name]: e.target.value } })}
                >
                  {spec.choices.map((c) => (
                    <option key={c.value} value={c.value}>
                      {c.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  {...described(field, true)}
                  type={spec.inputType ?? 'text'}
                  {...(spec.inputType === 'number' ? { inputMode: 'numeric' as const } : {})}
                  autoComplete="off"
                  spellCheck={false}
                  aria-required={spec.required || undefined}
                  placeholder={spec.placeholder}
                  value={v.destination[name] ?? ''}
                  onChange={(e) => set({ destination: { ...v.destination, [name]: e.target.value } })}
                />
              )}
            </Field>
          );
        })}
        <p className="format-line">
          <strong>Format:</strong> {kindForm.format}
        </p>
      </fieldset>

      <Field
        label="Events per batch"
        field="batch_size"
        id={id}
        error={err('batch_size')}
        hint="From 1 to 1000. Balance it against how often you collect and how many events you expect."
      >
        <input
          {...described('batch_size', true)}
          type="number"
          inputMode="numeric"
          min={1}
          max={1000}
          step={1}
          className="input-short"
          value={v.batchSize}
          onChange={(e) => set({ batchSize: e.target.value })}
        />
      </Field>

      <div className="field">
        <label className="check">
          <input
            {...described('enrichment', true)}
            type="checkbox"
            checked={v.enrichment}
            onChange={(e) => set({ enrichment: e.target.checked })}
          />{' '}
          Include data enrichment
        </label>
        <span className="hint" id={`${id('enrichment')}-hint`}>
          Adds human-readable values: user emails, application names, admin emails and role groups. Enabling
          it may slow the stream.
        </span>
        <FieldError id={`${id('enrichment')}-error`} message={err('enrichment')} />
      </div>

      <fieldset className="field" {...described('format', false)}>
        <legend>Event format</legend>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-format`}
            checked={v.format === 'native'}
            onChange={() => set({ format: 'native' })}
          />{' '}
          Native (events as stored)
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-format`}
            checked={v.format === 'ocsf'}
            onChange={() => set({ format: 'ocsf' })}
          />{' '}
          OCSF 1.x (each event as its OCSF class: Authentication, Account Change, …)
        </label>
        <span className="hint" id={`${id('format')}-hint`}>
          What every collect call and every pushed batch carries. OCSF suits SIEMs that read it natively.
        </span>
        <FieldError id={`${id('format')}-error`} message={err('format')} />
      </fieldset>

      <fieldset className="field">
        <legend>Event types</legend>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-types`}
            checked={v.eventTypes === 'all'}
            onChange={() => set({ eventTypes: 'all' })}
          />{' '}
          All {SOURCE_NAMES[v.type].toLowerCase()} events
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-types`}
            checked={v.eventTypes === 'some'}
            onChange={() => set({ eventTypes: 'some' })}
          />{' '}
          Only some event types
        </label>
        {v.eventTypes === 'some' ? (
          <EventTypeChecklist
            id={id('event_types')}
            legend={`Event types of ${SOURCE_NAMES[v.type]}`}
            sources={[v.type]}
            value={v.types}
            onChange={(types) => set({ types })}
            error={err('event_types')}
          />
        ) : (
          // The API's message about the list still has a place (and a focus target) when "all" is chosen.
          err('event_types') && (
            <p id={id('event_types')} tabIndex={-1} className="field-error">
              {err('event_types')}
            </p>
          )
        )}
      </fieldset>

      <fieldset
        className="field"
        id={id('start_from')}
        tabIndex={-1}
        aria-invalid={err('start_from') ? true : undefined}
        aria-describedby={err('start_from') ? `${id('start_from')}-error` : undefined}
      >
        <legend>Start from</legend>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-start`}
            checked={v.startFrom === 'now'}
            onChange={() => set({ startFrom: 'now' })}
          />{' '}
          Now: the events accepted after the stream is created
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-start`}
            checked={v.startFrom === 'earliest'}
            onChange={() => set({ startFrom: 'earliest' })}
          />{' '}
          Earliest: every event still within retention
        </label>
        <label className="check">
          <input
            type="radio"
            name={`${prefix}-start`}
            checked={v.startFrom === 'time'}
            onChange={() => set({ startFrom: 'time' })}
          />{' '}
          Events received from a time on
        </label>
        {v.startFrom === 'time' && (
          <div className="field nested">
            <label htmlFor={`${id('start_from')}-time`}>
              Start time ({props.tz === 'utc' ? 'UTC' : 'local time'})
            </label>
            <input
              id={`${id('start_from')}-time`}
              type="datetime-local"
              value={v.startTime ? toInputValue(v.startTime, props.tz) : ''}
              onChange={(e) => set({ startTime: fromInputValue(e.target.value, props.tz) ?? '' })}
            />
          </div>
        )}
        <FieldError id={`${id('start_from')}-error`} message={err('start_from')} />
      </fieldset>

      <div className="actions">
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" className="button-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create stream'}
        </button>
      </div>
    </form>
  );
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error" id={id}>
      {message}
    </span>
  );
}

/** A labelled field with its hint and the API's message about it. */
function Field(props: {
  label: string;
  field: string;
  id: (field: string) => string;
  error: string | undefined;
  hint?: string;
  children: ReactNode;
}) {
  const id = props.id(props.field);
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
  );
}
