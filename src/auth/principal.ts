import { ROLE_SCOPES, type Role, type Scope } from './roles';

/** Who is asking, as established once per request or WebSocket connection from a verified token. */
export type Principal = Readonly<{
  /** The token's `sub`; `anonymous` when no token came. */
  subject: string;
  roles: readonly Role[];
  scopes: ReadonlySet<Scope>;
  /** When set, the principal acts for this purpose only and sees only customers who consented to it. */
  purpose: string | null;
  region: string | null;
  /** When the token stops being valid; null for the anonymous principal. */
  expiresAt: Date | null;
  authenticated: boolean;
}>;

/** The part of a GraphQL context that says who asks, and in which request (logs and the audit chain name it). */
export type PrincipalContext = { readonly requestId: string; readonly principal: Principal };

export const ANONYMOUS: Principal = Object.freeze({
  subject: 'anonymous',
  roles: [],
  scopes: new Set<Scope>(),
  purpose: null,
  region: null,
  expiresAt: null,
  authenticated: false,
});

export function principalOf(claims: {
  subject: string;
  roles: readonly Role[];
  extraScopes?: readonly Scope[];
  purpose?: string | null;
  region?: string | null;
  expiresAt?: Date | null;
}): Principal {
  const scopes = new Set<Scope>(claims.extraScopes ?? []);
  for (const role of claims.roles) for (const scope of ROLE_SCOPES[role]) scopes.add(scope);
  return Object.freeze({
    subject: claims.subject,
    roles: [...claims.roles],
    scopes,
    purpose: claims.purpose ?? null,
    region: claims.region ?? null,
    expiresAt: claims.expiresAt ?? null,
    authenticated: true,
  });
}
