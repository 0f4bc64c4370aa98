export { AuthProvider, type AuthState, useAuth } from './AuthProvider';
export { RequireAuth } from './RequireAuth';
