import { useSyncExternalStore } from 'react';

/**
 * Who is signed in, in this tab: the bearer token the API takes and what it says about its user.
 * The claims are read here only to choose screens and fill in scopes; the service verifies the
 * token on every request and decides what is allowed. Kept in sessionStorage: closing the tab
 * signs out, and another tab signs in on its own.
 */
export type Role = 'municipality' | 'region' | 'warehouse' | 'county' | 'committee' | 'auditor' | 'admin';

export interface SignedInUser {
  readonly sub: string;
  readonly name: string;
  readonly role: Role;
  readonly county?: string;
  readonly municipality?: string;
}

export interface Session {
  readonly token: string;
  readonly user: SignedInUser;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly via: 'local' | 'oidc';
}

const STORAGE_KEY = 'ppe-ledger.session';
const listeners = new Set<() => void>();

const decodeClaims = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1] ?? '';
  const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
  return JSON.parse(json) as Record<string, unknown>;
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A session from a token: its user as the claims name them. */
export const sessionOf = (token: string, via: Session['via']): Session => {
  const claims = decodeClaims(token);
  const sub = text(claims.sub) ?? '';
  return {
    token,
    via,
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3600_000,
    user: {
      sub,
      name: text(claims.name) ?? sub,
      role: (text(claims.role) ?? 'auditor') as Role,
      county: text(claims.county),
      municipality: text(claims.municipality),
    },
  };
};

let cached: Session | null | undefined;

export const currentSession = (): Session | null => {
  if (cached === undefined) {
    try {
      const stored = sessionStorage.getItem(STORAGE_KEY);
      cached = stored ? (JSON.parse(stored) as Session) : null;
    } catch {
      cached = null;
    }
  }
  if (cached && cached.expiresAt <= Date.now()) cached = null;
  return cached;
};

export const setSession = (session: Session | null): void => {
  cached = session;
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
  listeners.forEach((listener) => listener());
};

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export const useSession = (): Session | null => useSyncExternalStore(subscribe, currentSession);

/** The signed-in user; for pages behind the sign-in guard, where there always is one. */
export const useUser = (): SignedInUser => {
  const session = useSession();
  if (!session) throw new Error('useUser outside the signed-in part of the app');
  return session.user;
};
