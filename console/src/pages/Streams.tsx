import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { RedriveResult } from '../../../functions/shared/export/redrive';
import { lookupType } from '../../../functions/shared/model/catalog';
import type { Source } from '../../../functions/shared/model/sources';
import { SOURCE_NAMES } from '../../../functions/shared/model/sources.js';
import type { streamView } from '../../../functions/shared/streams/model';
import { useApi } from '../api';
import { CollectSnippet } from '../components/CollectSnippet';
import { CopyButton } from '../components/CopyButton';
import { type Column, DataTable } from '../components/DataTable';
import { Modal } from '../components/Modal';
import { ErrorMessage, StateView } from '../components/StateView';
import { StreamForm } from '../components/StreamForm';
import { TimeZoneSelect, tzOf } from '../components/TimeZoneSelect';
import { DESTINATION_FORMS, destinationValue } from '../destinations';
import { useSession } from '../session';
import { formatTime, type TimeZoneMode } from '../time-range';
import { useUrlState } from '../url-state';

/** A stream as the API shows it (GET /streams, GET /streams/{id}). */
export type StreamView = ReturnType<typeof streamView>;

const STATUS_BADGE: Record<string, string> = {
  active: 'badge-ok',
  paused: 'badge-warn',
  error: 'badge-error',
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${STATUS_BADGE[status] ?? ''}`}>{status}</span>;
}

const when = (iso: string | null | undefined, tz: TimeZoneMode) => (iso ? formatTime(iso, tz) : '—');
const isPull = (s: StreamView) => DESTINATION_FORMS[s.destination.kind].mode === 'pull';

/** Where a stream's events go, in a few words: the kind and its bucket, URL or topic. */
function destinationText(s: StreamView): string {
  const d = s.destination as Record<string, string | undefined> & { kind: keyof typeof DESTINATION_FORMS };
  const label = DESTINATION_FORMS[d.kind]?.label ?? d.kind;
  const where = d.url ?? (d.bucket ? `${d.bucket}${d.prefix ? `/${d.prefix}` : ''}` : d.prefix) ?? d.topic;
  return where ? `${label}: ${where}` : label;
}

/** The last time events left: collected (custom) or delivered (pushed). */
const lastOut = (s: StreamView) => (isPull(s) ? s.health.last_collected_at : s.health.last_delivery_at);

/** Event streaming (seed 003): the streams with their health, + Add stream, Copy URL, pause/resume, delete, redrive. */
export function Streams() {
  const session = useSession();
  const [q, setQ] = useUrlState<'stream' | 'add' | 'tz'>({});
  const tz = tzOf(q.tz);
  if (!session.canManage) {
    return (
      <>
        <h1>Event streaming</h1>
        <div className="panel notice" role="note">
          <h2>Managing streams needs the admins group</h2>
          <p>
            You are signed in as <strong>{session.email ?? session.sub}</strong>
            {session.groups.length > 0 ? ` (${session.groups.join(', ')})` : ''}, without the{' '}
            <code>streams/manage</code> scope. Listing, creating, pausing, deleting and redriving streams, and
            copying their collect URLs, are for admins. Ask an admin to add you to the <code>admins</code>{' '}
            group, then sign in again.
          </p>
        </div>
      </>
    );
  }
  return <StreamsManager q={q} setQ={setQ} tz={tz} />;
}

function StreamsManager({
  q,
  setQ,
  tz,
}: {
  q: Record<'stream' | 'add' | 'tz', string | undefined>;
  setQ: (patch: Partial<Record<'stream' | 'add' | 'tz', string | undefined | null>>) => void;
  tz: TimeZoneMode;
}) {
  const api = useApi();
  const qc = useQueryClient();
  const [notice, setNotice] = useState('');
  const streams = useQuery({
    queryKey: ['streams'],
    queryFn: ({ signal }) => api.get<{ data: StreamView[] }>('/streams', undefined, { signal }),
    refetchInterval: 15_000,
  });
  const rows = streams.data?.data ?? [];
  const columns: Array<Column<StreamView>> = [
    {
      id: 'name',
      header: 'Stream',
      cell: ({ row }) => (
        <button
          type="button"
          className="button-link nowrap"
          aria-pressed={q.stream === row.original.stream_id}
          onClick={() =>
            setQ({ stream: q.stream === row.original.stream_id ? undefined : row.original.stream_id })
          }
        >
          {row.original.name}
        </button>
      ),
    },
    { id: 'source', header: 'Event source', cell: ({ row }) => SOURCE_NAMES[row.original.type as Source] },
    { id: 'destination', header: 'Destination', cell: ({ row }) => destinationText(row.original) },
    {
      id: 'status',
      header: 'Status',
      cell: ({ row }) => <StatusBadge status={row.original.status} />,
    },
    {
      id: 'lag',
      header: 'Lag',
      cell: ({ row }) =>
        row.original.health.lag === null ? '—' : row.original.health.lag.toLocaleString('en-US'),
    },
    {
      id: 'last',
      header: 'Last delivery / collected',
      cell: ({ row }) => when(lastOut(row.original), tz),
    },
    {
      id: 'error',
      header: 'Last error',
      cell: ({ row }) => {
        const s = row.original;
        const e = s.health.last_error;
        if (!e) return <span className="muted">none</span>;
        return (
          <span className="error-text" title={e}>
            {e.length > 60 ? `${e.slice(0, 60)}…` : e}
            {s.health.consecutive_failures > 0 && (
              <span className="muted">
                {' '}
                ({s.health.consecutive_failures}{' '}
                {s.health.consecutive_failures === 1 ? 'failure' : 'failures'} in a row)
              </span>
            )}
          </span>
        );
      },
    },
    {
      id: 'changed',
      header: 'Created / updated',
      cell: ({ row }) => (
        <>
          {when(row.original.created_at, tz)}
          {row.original.updated_at !== row.original.created_at && (
            <span className="muted block">updated {when(row.original.updated_at, tz)}</span>
          )}
        </>
      ),
    },
  ];
  const selected = rows.find((s) => s.stream_id === q.stream);
  return (
    <>
      <div className="page-head">
        <h1>Event streaming</h1>
        <span className="spacer" />
        <TimeZoneSelect tz={tz} onChange={(v) => setQ({ tz: v === 'utc' ? undefined : v })} />
        <button type="button" className="button-primary" onClick={() => setQ({ add: '1' })}>
          + Add stream
        </button>
      </div>
      <p className="lede">
        Feed events to your SIEM or log collection: one stream per event source and destination. Custom
        streams are collected with the collect API (Copy URL); S3, GCS, Splunk and Kafka streams are pushed by
        the exporter.
      </p>
      <p className={notice ? 'notice-line' : 'visually-hidden'} role="status">
        {notice}
      </p>
      <StateView
        what="streams"
        loading={streams.isPending}
        error={streams.error}
        onRetry={() => void streams.refetch()}
        empty={rows.length === 0}
        emptyText={
          <>
            No streams yet. Use <strong>+ Add stream</strong> to feed events to your SIEM: a custom stream for
            API polling, or S3, GCS, Splunk or Kafka.
          </>
        }
      >
        <DataTable
          caption="Streams, with their status and delivery health"
          columns={columns}
          rows={rows}
          rowKey={(s) => s.stream_id}
          selected={q.stream}
        />
      </StateView>
      {q.stream && !streams.isPending && (
        <StreamDetails
          key={q.stream}
          id={q.stream}
          initial={selected}
          tz={tz}
          onDeleted={(name) => {
            setNotice(`Stream “${name}” deleted.`);
            setQ({ stream: undefined });
            // The panel (and the button that opened the confirmation) is gone: focus goes to the page.
            requestAnimationFrame(() => document.getElementById('main')?.focus());
          }}
          onNotice={setNotice}
        />
      )}
      <Modal
        open={q.add === '1'}
        title="Add stream"
        className="dialog-wide"
        initialFocus="input"
        onClose={() => setQ({ add: undefined })}
      >
        <StreamForm
          tz={tz}
          onCancel={() => setQ({ add: undefined })}
          onCreated={(s) => {
            void qc.invalidateQueries({ queryKey: ['streams'] });
            setNotice(`Stream “${s.name}” created.`);
            setQ({ add: undefined, stream: s.stream_id });
          }}
        />
      </Modal>
    </>
  );
}

/** One stream: its settings, health, collect URL and snippet, and what an admin can do with it. */
function StreamDetails(props: {
  id: string;
  initial: StreamView | undefined;
  tz: TimeZoneMode;
  onDeleted: (name: string) => void;
  onNotice: (text: string) => void;
}) {
  const api = useApi();
  const qc = useQueryClient();
  const headingId = useId();
  const [confirming, setConfirming] = useState(false);
  // Once deleted, the stream is not asked for again (it would be a 404) while the panel closes.
  const [gone, setGone] = useState(false);
  const stream = useQuery({
    enabled: !gone,
    queryKey: ['stream', props.id],
    queryFn: ({ signal }) =>
      api.get<StreamView>(`/streams/${encodeURIComponent(props.id)}`, undefined, { signal }),
    ...(props.initial ? { placeholderData: props.initial } : {}),
    refetchInterval: 5_000,
  });
  const refresh = (s?: StreamView) => {
    if (s) qc.setQueryData(['stream', props.id], s);
    void qc.invalidateQueries({ queryKey: ['streams'] });
  };
  const setStatus = useMutation({
    mutationFn: (status: 'active' | 'paused') =>
      api.send<StreamView>('PATCH', `/streams/${encodeURIComponent(props.id)}`, { status }),
    onSuccess: (s) => {
      refresh(s);
      props.onNotice(`Stream “${s.name}” ${s.status === 'paused' ? 'paused' : 'resumed'}.`);
    },
  });
  const redrive = useMutation({
    mutationFn: () => api.send<RedriveResult>('POST', `/streams/${encodeURIComponent(props.id)}/redrive`),
    onSuccess: () => refresh(),
  });
  const remove = useMutation({
    mutationFn: () => api.send<void>('DELETE', `/streams/${encodeURIComponent(props.id)}`),
    onMutate: () => qc.cancelQueries({ queryKey: ['stream', props.id] }),
    onSuccess: () => {
      const name = stream.data?.name ?? props.id;
      setGone(true);
      setConfirming(false);
      void qc.invalidateQueries({ queryKey: ['streams'] });
      props.onDeleted(name);
    },
  });
  const s = stream.data;
  // A paused stream, or one in error, is resumed; an active one paused.
  const stopped = s?.status === 'paused' || s?.status === 'error';
  return (
    <section className="panel stream-details" aria-labelledby={headingId}>
      <StateView what="the stream" loading={stream.isPending} error={!s ? stream.error : undefined}>
        {s && (
          <>
            <div className="panel-head">
              <h2 id={headingId}>
                {s.name} <StatusBadge status={s.status} />
              </h2>
              <span className="spacer" />
              <div className="button-row">
                {isPull(s) && s.collect_url && (
                  <CopyButton text={s.collect_url} label="Copy URL" className="button-secondary" />
                )}
                <button
                  type="button"
                  className="button-secondary"
                  disabled={setStatus.isPending}
                  onClick={() => setStatus.mutate(stopped ? 'active' : 'paused')}
                >
                  {stopped ? 'Resume' : 'Pause'}
                </button>
                {!isPull(s) && (
                  <button
                    type="button"
                    className="button-secondary"
                    disabled={redrive.isPending}
                    onClick={() => redrive.mutate()}
                  >
                    {redrive.isPending ? 'Redriving…' : 'Redrive failed batches'}
                  </button>
                )}
                <button type="button" className="button-danger" onClick={() => setConfirming(true)}>
                  Delete stream
                </button>
              </div>
            </div>
            {stream.error && <ErrorMessage error={stream.error} onRetry={() => void stream.refetch()} />}
            {setStatus.error && <ErrorMessage error={setStatus.error} />}
            <RedriveOutcome result={redrive.data} error={redrive.error} />
            {s.status_reason && (
              <p className="error-text">
                <strong>Why {s.status}:</strong> {s.status_reason}
              </p>
            )}
            <div className="details-grid">
              <div>
                <h3>Settings</h3>
                <dl className="fields">
                  <dt>Stream ID</dt>
                  <dd>
                    <code>{s.stream_id}</code>
                  </dd>
                  <dt>Event source</dt>
                  <dd>
                    {SOURCE_NAMES[s.type as Source]} (<code>{s.type}</code>)
                  </dd>
                  <dt>Destination</dt>
                  <dd>
                    <DestinationDetails stream={s} />
                  </dd>
                  <dt>Format</dt>
                  <dd>{DESTINATION_FORMS[s.destination.kind].format}</dd>
                  <dt>Events per batch</dt>
                  <dd>{s.batch_size}</dd>
                  <dt>Data enrichment</dt>
                  <dd>{s.enrichment ? 'Included' : 'Not included'}</dd>
                  <dt>Event format</dt>
                  <dd>{s.format === 'ocsf' ? 'OCSF 1.x' : 'Native'}</dd>
                  <dt>Event types</dt>
                  <dd>
                    {s.event_types
                      ? s.event_types.map((t) => lookupType(t)?.name ?? t).join(', ')
                      : `All ${SOURCE_NAMES[s.type as Source].toLowerCase()} events`}
                  </dd>
                  <dt>Start from</dt>
                  <dd>
                    {s.start_from === 'now' || s.start_from === 'earliest'
                      ? s.start_from
                      : formatTime(s.start_from, props.tz)}
                  </dd>
                  <dt>Created</dt>
                  <dd>
                    {when(s.created_at, props.tz)} by <code>{s.created_by}</code>
                  </dd>
                  <dt>Updated</dt>
                  <dd>{when(s.updated_at, props.tz)}</dd>
                </dl>
              </div>
              <div>
                <h3>Health</h3>
                <dl className="fields">
                  <dt>Status</dt>
                  <dd>
                    <StatusBadge status={s.status} />
                  </dd>
                  <dt>Lag</dt>
                  <dd>
                    {s.health.lag === null ? '—' : `${s.health.lag.toLocaleString('en-US')} events waiting`}
                  </dd>
                  <dt>{isPull(s) ? 'Last collected' : 'Last delivery'}</dt>
                  <dd>{when(lastOut(s), props.tz) === '—' ? 'never' : when(lastOut(s), props.tz)}</dd>
                  <dt>Last error</dt>
                  <dd className={s.health.last_error ? 'error-text' : undefined}>
                    {s.health.last_error ?? 'none'}
                  </dd>
                  <dt>Failures in a row</dt>
                  <dd>{s.health.consecutive_failures}</dd>
                </dl>
              </div>
            </div>
            {isPull(s) && s.collect_url && (
              <>
                <h3>Collect URL</h3>
                <p className="collect-url">
                  <code>{s.collect_url}</code>
                </p>
                <CollectSnippet collectUrl={s.collect_url} tokenUrl={api.config.tokenUrl} />
              </>
            )}
          </>
        )}
      </StateView>
      <Modal
        open={confirming}
        role="alertdialog"
        title="Delete stream?"
        initialFocus=".button-secondary"
        onClose={() => setConfirming(false)}
      >
        <p>
          Delete the stream <strong>{s?.name}</strong>? Delivery stops, and its cursor and state are deleted:
          events it has not delivered will not be delivered. This cannot be undone.
        </p>
        {remove.error && <ErrorMessage error={remove.error} />}
        <div className="actions">
          <button type="button" className="button-secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button
            type="button"
            className="button-danger"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
          >
            {remove.isPending ? 'Deleting…' : 'Delete stream'}
          </button>
        </div>
      </Modal>
    </section>
  );
}

function DestinationDetails({ stream }: { stream: StreamView }) {
  const d = stream.destination as Record<string, unknown> & { kind: keyof typeof DESTINATION_FORMS };
  const form = DESTINATION_FORMS[d.kind];
  const fields = Object.entries(form.fields as Record<string, { label: string }>).flatMap(([f, spec]) => {
    const value = destinationValue(d[f]);
    return value === undefined ? [] : [[f, spec, value] as const];
  });
  return (
    <>
      {form.label}
      {fields.length > 0 && (
        <ul className="plain">
          {fields.map(([f, spec, value]) => (
            <li key={f}>
              {spec.label}: <code>{value}</code>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RedriveOutcome({ result, error }: { result: RedriveResult | undefined; error: unknown }) {
  if (error) return <ErrorMessage error={error} />;
  if (!result) return null;
  return (
    <div className="panel-inset" role="status">
      <strong>Redrive:</strong>{' '}
      {result.redriven_batches === 0 && result.failed.length === 0 && result.remaining === 0
        ? 'no failed batches to deliver.'
        : `${result.redriven_batches} ${result.redriven_batches === 1 ? 'batch' : 'batches'} (${result.redriven_events} events) delivered again; ${result.failed.length} failed again; ${result.remaining} not attempted yet${result.remaining > 0 ? ' (redrive again)' : ''}.`}
      {result.failed.length > 0 && (
        <ul>
          {result.failed.map((f) => (
            <li key={f.key}>
              <code>{f.key}</code>: {f.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
