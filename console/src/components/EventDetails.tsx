import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { Link } from 'react-router';
import { lookupType } from '../../../functions/shared/model/catalog';
import { CATEGORY_NAMES } from '../../../functions/shared/model/catalog.js';
import { SOURCE_NAMES } from '../../../functions/shared/model/sources.js';
import {
  ACTOR_TYPES,
  type ActivityState,
  type EnrichedEvent,
  relatedLinks,
  typeName,
} from '../activity-view';
import { ApiError, useApi } from '../api';
import { formatTime, type TimeZoneMode } from '../time-range';
import { ChangesDiff } from './ChangesDiff';
import { CopyButton } from './CopyButton';
import { StateView } from './StateView';

/**
 * Details of one event (seed 004's "Show Details"): a side panel with the enriched fields (GET
 * /activities/{id}), the type's display name and description from the catalog, the `data` fields with the
 * catalog's descriptions, the changes as a diff, links to related events and the raw JSON with a Copy button.
 * Focus moves to its heading when it opens; Escape (or Close) closes it, and the page returns focus.
 */
export function EventDetails(props: {
  id: string;
  /** The event as the list has it, shown while its details load. */
  initial?: EnrichedEvent | undefined;
  state: ActivityState;
  tz: TimeZoneMode;
  onClose: () => void;
}) {
  const api = useApi();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const query = useQuery({
    queryKey: ['activities', 'event', props.id],
    queryFn: ({ signal }) =>
      api.get<EnrichedEvent>(`/activities/${encodeURIComponent(props.id)}`, undefined, { signal }),
    ...(props.initial ? { placeholderData: props.initial } : {}),
    staleTime: 60_000,
  });
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves in when another event opens
  useEffect(() => {
    heading.current?.focus();
  }, [props.id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) onClose.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const e = query.data;
  const spec = e ? lookupType(e.type) : undefined;
  const notFound = query.error instanceof ApiError && query.error.status === 404;
  return (
    <div className="drawer" role="dialog" aria-modal="false" aria-labelledby={headingId}>
      <div className="drawer-header">
        <h2 id={headingId} ref={heading} tabIndex={-1}>
          {e ? typeName(e.type) : 'Event details'}
        </h2>
        <button type="button" className="button-secondary" onClick={props.onClose}>
          Close<span className="visually-hidden"> details</span>
        </button>
      </div>
      <StateView
        loading={query.isPending}
        error={notFound ? undefined : query.error}
        empty={notFound}
        emptyText={`No event with id ${props.id}: unknown, not yet stored, or past its retention.`}
        what="event details"
        onRetry={() => void query.refetch()}
      >
        {e && (
          <div className="drawer-body">
            <p className="event-description">
              {spec?.description ?? 'A type the catalog does not describe (custom event).'}
              <span className="badges">
                <span className="badge">{SOURCE_NAMES[e.source] ?? e.source}</span>
                {spec && <span className="badge">{CATEGORY_NAMES[spec.category]}</span>}
              </span>
            </p>
            <h3>Event</h3>
            <dl className="fields">
              <Field name="Time">
                {formatTime(e.timestamp, props.tz)} {props.tz === 'utc' ? 'UTC' : ''}
              </Field>
              <Field name="Event type">
                <code>{e.type}</code>
              </Field>
              {e.source !== 'admin' && (
                <Field name="User">
                  <Named name={e.user_email} id={e.user_id} />
                </Field>
              )}
              {e.source === 'admin' && (
                <Field name="Actor">
                  <Named name={e.actor_email} id={e.actor_id} />
                  {e.actor_roles && e.actor_roles.length > 0 && (
                    <span className="roles"> · roles: {e.actor_roles.join(', ')}</span>
                  )}
                  {e.actor_type && <span className="muted"> · {actorKind(e.actor_type)}</span>}
                </Field>
              )}
              {e.source !== 'admin' && (e.actor_id || e.actor_email) && (
                <Field name="Actor">
                  <Named name={e.actor_email} id={e.actor_id} />
                </Field>
              )}
              {(e.target_resource_id || e.target_resource_type) && (
                <Field name="Target">
                  {e.target_resource_type && <span>{e.target_resource_type} </span>}
                  {e.target_resource_id && <code>{e.target_resource_id}</code>}
                </Field>
              )}
              <Field name="App">
                <Named name={e.app_name} id={e.app_id} />
              </Field>
              <Field name="IP address">{e.ip ?? <span className="muted">(none)</span>}</Field>
              <Field name="Tenant">{e.tenant_id}</Field>
              {e.user_agent && <Field name="User agent">{e.user_agent}</Field>}
              <Field name="Received">
                {formatTime(e.received_at, props.tz)} {props.tz === 'utc' ? 'UTC' : ''}
              </Field>
              <Field name="Event id">
                <code>{e.id}</code>
              </Field>
            </dl>
            {e.changes && Object.keys(e.changes).length > 0 && (
              <>
                <h3>Changes</h3>
                <ChangesDiff changes={e.changes} />
              </>
            )}
            <DataFields event={e} />
            <RelatedLinks event={e} state={props.state} />
            <h3>Raw JSON</h3>
            <div className="raw-json">
              <CopyButton text={JSON.stringify(e, null, 2)} label="Copy JSON" />
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to scroll by keyboard */}
              <section className="raw-json-scroll" aria-label="Raw JSON of the event" tabIndex={0}>
                <pre>{JSON.stringify(e, null, 2)}</pre>
              </section>
            </div>
          </div>
        )}
      </StateView>
    </div>
  );
}

const actorKind = (t: string) => ACTOR_TYPES.find((a) => a.value === t)?.label ?? t;

function Field({ name, children }: { name: string; children: ReactNode }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** A directory name with the id it stands for (or the id alone, or "(none)"). */
function Named({ name, id }: { name: string | undefined; id: string | undefined }) {
  if (!id && !name) return <span className="muted">(none)</span>;
  return (
    <>
      {name && <span>{name} </span>}
      {id && <code className={name ? 'muted' : undefined}>{id}</code>}
    </>
  );
}

/** The `data` fields, each with the catalog's description when the type lists the field. */
function DataFields({ event }: { event: EnrichedEvent }) {
  const data = event.data ?? {};
  const entries = Object.entries(data);
  const specs = new Map((lookupType(event.type)?.fields ?? []).map((f) => [f.name, f]));
  return (
    <>
      <h3>Data</h3>
      {entries.length === 0 ? (
        <p className="muted">This event has no data fields.</p>
      ) : (
        <table className="data-table data-fields">
          <caption className="visually-hidden">Data fields of the event</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Value</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">
                  <code>{k}</code>
                </th>
                <td className="value">{typeof v === 'string' ? v : <code>{JSON.stringify(v)}</code>}</td>
                <td className="muted">{specs.get(k)?.description ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function RelatedLinks({ event, state }: { event: EnrichedEvent; state: ActivityState }) {
  const links = relatedLinks(event, state);
  if (links.length === 0) return null;
  return (
    <>
      <h3>Related events</h3>
      <ul className="related-links">
        {links.map((l) => (
          <li key={l.to}>
            <Link to={l.to}>{l.text}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
