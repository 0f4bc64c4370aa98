import { Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useAuth } from './AuthProvider';

/** Renders its children for a signed-in user; otherwise sends the browser to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <div className="page-center">
        <Spin size="large" />
      </div>
    );
  }
  if (state.status === 'anonymous') {
    const next = `${location.pathname}${location.search}`;
    return (
      <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace state={{ expired: state.expired }} />
    );
  }
  return children;
}
