import { type EnrichedEvent, typeName } from '../activity-view';
import { summarizeChanges } from '../changes-diff';
import type { ExplorerContext } from './ActivityExplorer';
import type { Column } from './DataTable';

type Col = Column<EnrichedEvent>;

/** A directory name (the id it stands for on hover and in Details); the id when the directory does not know it. */
function NameOrId({ name, id }: { name: string | undefined; id: string | undefined }) {
  if (!id) return <span className="muted">—</span>;
  if (!name)
    return (
      <code className="id" title={id}>
        {id}
      </code>
    );
  return <span title={id}>{name}</span>;
}

function TypeCell({ e }: { e: EnrichedEvent }) {
  return (
    <span title={e.type}>
      {typeName(e.type)} <span className="source-tag">{e.source}</span>
    </span>
  );
}

/** User activity: time, type (display name), user (email), app (name), IP, tenant. */
export function userColumns(ctx: ExplorerContext): Col[] {
  return [
    {
      id: 'time',
      header: `Time (${ctx.tz === 'utc' ? 'UTC' : 'local'})`,
      cell: ({ row }) => ctx.openButton(row.original),
    },
    { id: 'type', header: 'Event type', cell: ({ row }) => <TypeCell e={row.original} /> },
    {
      id: 'user',
      header: 'User',
      cell: ({ row }) => <NameOrId name={row.original.user_email} id={row.original.user_id} />,
    },
    {
      id: 'app',
      header: 'App',
      cell: ({ row }) => <NameOrId name={row.original.app_name} id={row.original.app_id} />,
    },
    {
      id: 'ip',
      header: 'IP address',
      cell: ({ row }) => row.original.ip ?? <span className="muted">—</span>,
    },
    { id: 'tenant', header: 'Tenant', cell: ({ row }) => row.original.tenant_id },
  ];
}

/** Who: the actor's email and roles (a client's id, or the service component, when not a person). */
function ActorCell({ e }: { e: EnrichedEvent }) {
  const kind = e.actor_type === 'admin' ? undefined : e.actor_type;
  return (
    <>
      {e.actor_email ? (
        <span title={e.actor_id}>{e.actor_email}</span>
      ) : (
        <code className="id" title={e.actor_id}>
          {e.actor_id ?? '—'}
        </code>
      )}
      {e.actor_roles && e.actor_roles.length > 0 && (
        <span className="roles">
          {e.actor_roles.map((r) => (
            <span key={r} className="badge role">
              {r}
            </span>
          ))}
        </span>
      )}
      {kind && <span className="badge actor-kind">{kind}</span>}
    </>
  );
}

/** Admin activity: when, who, what, on what, from where, and a summary of the changes. */
export function adminColumns(ctx: ExplorerContext): Col[] {
  return [
    {
      id: 'time',
      header: `When (${ctx.tz === 'utc' ? 'UTC' : 'local'})`,
      cell: ({ row }) => ctx.openButton(row.original),
    },
    { id: 'who', header: 'Who', cell: ({ row }) => <ActorCell e={row.original} /> },
    {
      id: 'what',
      header: 'What',
      cell: ({ row }) => <span title={row.original.type}>{typeName(row.original.type)}</span>,
    },
    {
      id: 'target',
      header: 'On what',
      cell: ({ row }) => {
        const e = row.original;
        if (!e.target_resource_id && !e.target_resource_type) return <span className="muted">—</span>;
        return (
          <>
            {e.target_resource_type && <span className="target-type">{e.target_resource_type}</span>}{' '}
            {e.target_resource_id && (
              <code className="id" title={e.target_resource_id}>
                {e.target_resource_id}
              </code>
            )}
          </>
        );
      },
    },
    {
      id: 'ip',
      header: 'From where',
      cell: ({ row }) => row.original.ip ?? <span className="muted">—</span>,
    },
    {
      id: 'changes',
      header: 'Changes',
      cell: ({ row }) => {
        const s = summarizeChanges(row.original.changes);
        return s ? <span className="changes-summary">{s}</span> : <span className="muted">—</span>;
      },
    },
  ];
}
