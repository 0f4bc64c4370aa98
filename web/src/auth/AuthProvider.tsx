import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, onUnauthenticated, setCsrfToken, type User } from '../api';

export type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'authenticated'; user: User };

interface AuthContextValue {
  state: AuthState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api
      .session()
      .then((session) => {
        if (cancelled) return;
        if (session.authenticated && session.user) {
          setCsrfToken(session.csrfToken ?? null);
          setState({ status: 'authenticated', user: session.user });
        } else {
          setState({ status: 'anonymous', expired: false });
        }
      })
      .catch(() => {
        if (!cancelled) setState({ status: 'anonymous', expired: false });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setCsrfToken(null);
        setState((previous) =>
          previous.status === 'authenticated' ? { status: 'anonymous', expired: true } : previous,
        );
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const answer = await api.login(username, password);
    setCsrfToken(answer.csrfToken);
    setState({ status: 'authenticated', user: answer.user });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      // Forget the session locally even if the server is unreachable; the cookie dies with it.
      setCsrfToken(null);
      setState({ status: 'anonymous', expired: false });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout }), [state, login, logout]);
  return <AuthContext value={value}>{children}</AuthContext>;
}

export function useAuth(): AuthContextValue {
  const context = useContext(AuthContext);
  if (!context) throw new Error('useAuth must be used inside <AuthProvider>');
  return context;
}
