import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useApi } from '../api';
import { useSession } from '../session';

/** The console's pages, in navigation order (their paths and headings). */
export const PAGES = [
  { path: '/user-activity', title: 'User activity' },
  { path: '/admin-activity', title: 'Admin activity' },
  { path: '/journeys', title: 'Journey analytics' },
  { path: '/streams', title: 'Event streaming' },
  { path: '/reports', title: 'Reports' },
] as const;

/** Header (product, environment, person, sign out), navigation and the page. */
export function Layout() {
  const session = useSession();
  const api = useApi();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const page = PAGES.find((p) => location.pathname.startsWith(p.path));
  // A new page: its title in the tab, and focus to its content for screen-reader and keyboard users.
  useEffect(() => {
    document.title = page ? `${page.title} · Activity Events` : 'Activity Events';
    main.current?.focus({ preventScroll: true });
  }, [page]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <span className="brand">Activity Events</span>
        <span className="env" title="Environment">
          {api.config.environment}
        </span>
        <span className="spacer" />
        <span className="who">
          {session.email ?? session.sub}
          {session.groups.length > 0 && <span className="groups"> ({session.groups.join(', ')})</span>}
        </span>
        <button type="button" className="button-secondary" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </header>
      <div className="app-body">
        <nav className="app-nav" aria-label="Console">
          <ul>
            {PAGES.map((p) => (
              <li key={p.path}>
                <NavLink to={p.path}>{p.title}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1} className="app-main">
          <Outlet />
        </main>
      </div>
    </>
  );
}
