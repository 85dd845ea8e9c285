/** Shown when nobody is signed in (first visit, after signing out, or when the session expired). */
export function SignIn(props: { reason?: string | undefined; onSignIn: () => void; environment?: string }) {
  return (
    <main className="sign-in" id="main">
      <h1>Activity Events</h1>
      <p>Identity activity: user and admin events, journeys, streaming to your SIEM and reports.</p>
      {props.reason && (
        <p className="state state-error" role="alert">
          {props.reason}
        </p>
      )}
      <button type="button" className="button-primary" onClick={props.onSignIn}>
        Sign in
      </button>
      {props.environment && <p className="muted">Environment: {props.environment}</p>}
    </main>
  );
}
