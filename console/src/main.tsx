import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { completeSignIn } from './auth';
import { loadConfig } from './config';
import './styles.css';

const root = createRoot(document.getElementById('root') as HTMLElement);

async function start() {
  const config = await loadConfig();
  let initialError: string | undefined;
  try {
    const returnTo = await completeSignIn(config);
    if (returnTo !== undefined) window.history.replaceState(null, '', returnTo);
  } catch (err) {
    initialError = (err as Error).message;
    window.history.replaceState(null, '', '/');
  }
  root.render(
    <StrictMode>
      <App config={config} initialError={initialError} />
    </StrictMode>,
  );
}

start().catch((err: Error) => {
  root.render(
    <main className="sign-in">
      <h1>Activity Events</h1>
      <p role="alert">The console could not start: {err.message}</p>
    </main>,
  );
});
