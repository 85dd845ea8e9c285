import type { ReactNode } from 'react';
import { ApiError } from '../api';

/**
 * The loading, error and empty states every view has. Loading is announced politely, errors assertively
 * (with the API's per-field details), and an empty result says what would fill it.
 */
export function StateView(props: {
  loading: boolean;
  error?: unknown;
  empty?: boolean;
  emptyText?: ReactNode;
  /** What is loading, for the screen-reader announcement ("Loading events"). */
  what: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  if (props.error) return <ErrorMessage error={props.error} onRetry={props.onRetry} />;
  if (props.loading) {
    return (
      <div className="state state-loading" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" /> Loading {props.what}…
      </div>
    );
  }
  if (props.empty) {
    return (
      <div className="state state-empty" role="status">
        {props.emptyText ?? `No ${props.what}.`}
      </div>
    );
  }
  return <>{props.children}</>;
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: (() => void) | undefined }) {
  const e = error as Error;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div className="state state-error" role="alert">
      <strong>{error instanceof ApiError ? `Error ${error.status}: ` : 'Error: '}</strong>
      {e.message}
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              <code>{d.path}</code> {d.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
