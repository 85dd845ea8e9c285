import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense, useMemo, useState } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import type { ConsoleConfig } from '../runtime';
import { ApiContext, createApi } from './api';
import {
  beginSignIn,
  currentSession,
  endSession,
  forgetSession,
  revokeRefreshToken,
  type Session,
} from './auth';
import { Layout } from './components/Layout';
import { StateView } from './components/StateView';
import { AdminActivity } from './pages/AdminActivity';
import { SignIn } from './pages/SignIn';
import { UserActivity } from './pages/UserActivity';
import { SessionContext, type SessionState } from './session';

// Loaded when first visited, each with what it alone draws (Chart.js comes with Journey analytics): the
// console's initial JavaScript stays small.
const JourneyAnalytics = lazy(() =>
  import('./pages/JourneyAnalytics').then((m) => ({ default: m.JourneyAnalytics })),
);
const Streams = lazy(() => import('./pages/Streams').then((m) => ({ default: m.Streams })));
const Reports = lazy(() => import('./pages/Reports').then((m) => ({ default: m.Reports })));

/** A lazily loaded page, announced while it loads. */
const page = (element: ReactNode) => (
  <Suspense fallback={<StateView loading what="the page" />}>{element}</Suspense>
);

// Created when the app first renders, not when this module loads: main.tsx moves the URL back to where the
// person was (completeSignIn's returnTo) before rendering, and a router made earlier would not see that.
const routes = [
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/user-activity" replace /> },
      { path: 'user-activity', element: <UserActivity /> },
      { path: 'admin-activity', element: <AdminActivity /> },
      { path: 'journeys', element: page(<JourneyAnalytics />) },
      { path: 'journeys/:journeyId', element: page(<JourneyAnalytics />) },
      { path: 'streams', element: page(<Streams />) },
      { path: 'reports', element: page(<Reports />) },
      { path: '*', element: <Navigate to="/user-activity" replace /> },
    ],
  },
];

export function App({ config, initialError }: { config: ConsoleConfig; initialError?: string | undefined }) {
  const [session, setSession] = useState<Session | undefined>(() => currentSession());
  const [reason, setReason] = useState<string | undefined>(initialError);
  const [router] = useState(() => createBrowserRouter(routes));
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
  const api = useMemo(
    () =>
      createApi(config, (why) => {
        // The session is over (expired, refused, revoked): nothing of it may outlive it, in this tab or
        // after a reload, and the next person signing in here starts with an empty cache.
        forgetSession();
        queryClient.clear();
        setSession(undefined);
        setReason(why);
      }),
    [config, queryClient],
  );
  const state: SessionState | undefined = useMemo(
    () =>
      session && {
        ...session,
        canManage: session.scopes.includes('streams/manage'),
        signOut: async () => {
          // Recorded as adminLogout before the token is forgotten; signing out goes on if that fails.
          await api.send('POST', '/me/sign-out').catch(() => undefined);
          // The refresh token is revoked, so a copy of it is worth nothing after this.
          await revokeRefreshToken(config);
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
