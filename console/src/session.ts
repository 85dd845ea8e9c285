import { createContext, useContext } from 'react';
import type { Session } from './auth';

export interface SessionState extends Session {
  /** Streams and the directory (the `streams/manage` scope: the admins group). */
  canManage: boolean;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionContext');
  return s;
}
