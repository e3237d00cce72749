import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../shared/errors';
import { principalOf, type Principal } from './principal';
import { isRole, isScope, type Role, type Scope } from './roles';

export type TokenSettings = {
  /** HS256 shared secret; or */
  secret?: string;
  /** a JWKS endpoint of the identity provider (RS256/ES256/EdDSA keys). */
  jwksUrl?: string;
  issuer: string;
  audience: string;
};

export class UnauthenticatedError extends AppError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message, { http: { status: 401 } });
  }
}

/** Verified tokens kept, so a client sending the same token with every request is verified once. */
const CACHE_SIZE = 10_000;

/** Verifies bearer tokens and turns their claims into a Principal; the only place a token is trusted. */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;
  private readonly algorithms: string[];
  private readonly verified = new Map<string, Principal>();

  constructor(private readonly settings: TokenSettings) {
    if (settings.jwksUrl) {
      this.key = createRemoteJWKSet(new URL(settings.jwksUrl));
      this.algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'];
    } else if (settings.secret) {
      this.key = new TextEncoder().encode(settings.secret);
      this.algorithms = ['HS256'];
    } else {
      throw new Error('TokenVerifier needs a secret or a JWKS URL');
    }
  }

  /** Reads `Authorization: Bearer <jwt>`; a missing header is the anonymous principal's business, not ours. */
  static bearerToken(header: string | undefined | null): string | null {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token>"');
    return match[1];
  }

  async verify(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    // Never past its expiry: an expired token is verified again, and refused.
    if (known && known.expiresAt!.getTime() > Date.now()) return known;
    this.verified.delete(token);
    const principal = await this.verifyAfresh(token);
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, principal);
    return principal;
  }

  private async verifyAfresh(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as Uint8Array, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.algorithms,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw new UnauthenticatedError(describe(error));
    }
    const roles = claimList(payload.roles);
    const unknownRoles = roles.filter((role) => !isRole(role));
    if (unknownRoles.length > 0) throw new UnauthenticatedError(`token has unknown roles: ${unknownRoles.join(', ')}`);
    const extraScopes = typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(isScope) : [];
    return principalOf({
      subject: payload.sub!,
      roles: roles as Role[],
      extraScopes: extraScopes as Scope[],
      purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
      region: typeof payload.region === 'string' ? payload.region : null,
      expiresAt: new Date(payload.exp! * 1000),
    });
  }
}

const claimList = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `token claim "${error.claim}" is invalid (${error.reason})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the identity provider matches the token';
  if (error instanceof errors.JOSEError) return `token is invalid (${error.code})`;
  return 'token is invalid';
}
