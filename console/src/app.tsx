import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import type { ConsoleConfig } from '../runtime';
import { ApiContext, createApi } from './api';
import { beginSignIn, currentSession, endSession, type Session } from './auth';
import { Layout } from './components/Layout';
import { AdminActivity } from './pages/AdminActivity';
import { JourneyAnalytics } from './pages/JourneyAnalytics';
import { Reports } from './pages/Reports';
import { SignIn } from './pages/SignIn';
import { Streams } from './pages/Streams';
import { UserActivity } from './pages/UserActivity';
import { SessionContext, type SessionState } from './session';

const router = createBrowserRouter([
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/user-activity" replace /> },
      { path: 'user-activity', element: <UserActivity /> },
      { path: 'admin-activity', element: <AdminActivity /> },
      { path: 'journeys', element: <JourneyAnalytics /> },
      { path: 'journeys/:journeyId', element: <JourneyAnalytics /> },
      { path: 'streams', element: <Streams /> },
      { path: 'reports', element: <Reports /> },
      { path: '*', element: <Navigate to="/user-activity" replace /> },
    ],
  },
]);

export function App({ config, initialError }: { config: ConsoleConfig; initialError?: string | undefined }) {
  const [session, setSession] = useState<Session | undefined>(() => currentSession());
  const [reason, setReason] = useState<string | undefined>(initialError);
  const api = useMemo(
    () =>
      createApi(config, (why) => {
        setSession(undefined);
        setReason(why);
      }),
    [config],
  );
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            retry: (n, err) => n < 2 && !(err as { status?: number }).status,
            refetchOnWindowFocus: false,
          },
        },
      }),
    [],
  );
  const state: SessionState | undefined = useMemo(
    () =>
      session && {
        ...session,
        canManage: session.scopes.includes('streams/manage'),
        signOut: async () => {
          // Recorded as adminLogout before the token is forgotten; signing out goes on if that fails.
          await api.send('POST', '/me/sign-out').catch(() => undefined);
          queryClient.clear();
          endSession(config);
        },
      },
    [session, api, config, queryClient],
  );
  if (!state) {
    return (
      <SignIn
        reason={reason}
        environment={config.environment}
        onSignIn={() => void beginSignIn(config, `${window.location.pathname}${window.location.search}`)}
      />
    );
  }
  return (
    <ApiContext.Provider value={api}>
      <SessionContext.Provider value={state}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </SessionContext.Provider>
    </ApiContext.Provider>
  );
}
