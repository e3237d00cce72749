import { SignJWT } from 'jose';
import { ROLES, type Role, type Scope } from './roles';

export type TokenRequest = {
  role: Role;
  subject?: string;
  purpose?: string;
  region?: string;
  extraScopes?: Scope[];
  /** Lifetime in seconds. */
  ttlSeconds?: number;
};

/** Signs HS256 tokens for dev mode, `npm run token` and tests; production tokens come from the identity provider. */
export class TokenMinter {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly issuer: string,
    private readonly audience: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async mint({ role, subject, purpose, region, extraScopes, ttlSeconds = 8 * 3600 }: TokenRequest): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const claims: Record<string, unknown> = { roles: [role] };
    if (purpose) claims.purpose = purpose;
    if (region) claims.region = region;
    if (extraScopes?.length) claims.scope = extraScopes.join(' ');
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject ?? `dev-${role}`)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.key);
  }

  /** One ready token per role, for the dev-mode start banner. */
  async devTokens(): Promise<Record<Role, string>> {
    const entries = await Promise.all(ROLES.map(async (role) => [role, await this.mint({ role })] as const));
    return Object.fromEntries(entries) as Record<Role, string>;
  }
}
