import type { GraphQLError } from 'graphql';
import { allow, deny, rule } from 'graphql-shield';

type ShieldRule = typeof allow | typeof deny | ReturnType<ReturnType<typeof rule>>;
import type { Scope } from '../auth/roles';
import type { Principal } from '../auth/principal';
import { UnauthenticatedError } from '../auth/token-verifier';
import type { AppContext } from '../server/context';
import { ForbiddenError } from '../shared/errors';
import type { Classification } from './classification';

/**
 * An access rule: the shield rule that enforces it and, for the data dictionary, which scopes satisfy it.
 * Rules read only the principal, so shield may cache each decision per request ('contextual'): no decision depends
 * on the parent value, so none can leak from one list item to another. Per-customer decisions (purpose) are made
 * where the customer is loaded, not here.
 */
export type AccessRule = Readonly<{
  shield: ShieldRule;
  /** The same decision outside shield (a subscription's subscribe step): true, or the error to answer with. */
  check(principal: Principal): true | GraphQLError;
  anyOf: readonly Scope[] | 'anyone' | 'authenticated';
}>;

const refusal = (principal: Principal, message: string) =>
  principal.authenticated ? new ForbiddenError(message) : new UnauthenticatedError('authentication required: send a bearer token');

function accessRule(name: string, anyOf: AccessRule['anyOf'], check: AccessRule['check']): AccessRule {
  return { shield: rule(name, { cache: 'contextual' })((_parent, _args, { principal }: AppContext) => check(principal)), check, anyOf };
}

const scopeRules = new Map<string, AccessRule>();
/** The principal holds at least one of `scopes`. One rule object per scope set: shield caches decisions by rule name. */
export function needs(...scopes: Scope[]): AccessRule {
  const name = `needs:${scopes.join('|')}`;
  if (!scopeRules.has(name)) {
    scopeRules.set(
      name,
      accessRule(
        name,
        scopes,
        (principal) => scopes.some((scope) => principal.scopes.has(scope)) || refusal(principal, `requires the ${scopes.join(' or ')} scope`),
      ),
    );
  }
  return scopeRules.get(name)!;
}

/**
 * Like `needs`, for operations about people as such (their export, erasure, audit trail, raw payloads): a token
 * acting for a processing purpose has no business there, whatever its scopes.
 */
export function needsWithoutPurpose(...scopes: Scope[]): AccessRule {
  const scoped = needs(...scopes);
  const name = `needs-without-purpose:${scopes.join('|')}`;
  if (!scopeRules.has(name)) {
    scopeRules.set(
      name,
      accessRule(name, scopes, (principal) => {
        const decision = scoped.check(principal);
        if (decision !== true) return decision;
        return principal.purpose === null || refusal(principal, `not allowed to a token bound to the purpose ${principal.purpose}`);
      }),
    );
  }
  return scopeRules.get(name)!;
}

export const AUTHENTICATED = accessRule('authenticated', 'authenticated', (principal) => principal.authenticated || refusal(principal, ''));
export const ANYONE: AccessRule = { shield: allow, check: () => true, anyOf: 'anyone' };

/** What a field's classification asks of whoever reads it, wherever the field appears (nested, aliased, in `_entities`). */
export const CLASSIFICATION_RULES: Readonly<Record<Classification, AccessRule>> = {
  PUBLIC: ANYONE,
  AGGREGATED: AUTHENTICATED,
  PSEUDONYMOUS: needs('customers:read'),
  // Masked or clear is decided by the masking middleware; here only whether the field may be read at all.
  PII: needs('pii:read', 'pii:masked'),
};

/**
 * Who may call each operation: the one table of entry points. Fields of object types follow their classification
 * (above); an operation not listed here is denied (shield's fallback), and a test fails on it.
 */
export const OPERATION_RULES: Readonly<Record<'Query' | 'Mutation' | 'Subscription', Readonly<Record<string, AccessRule>>>> = {
  Query: {
    customer: needs('customers:read'),
    customerByIdentifier: needs('customers:read'),
    customers: needs('customers:read'),
    deadLetters: needsWithoutPurpose('deadletters:read'),
    dataDictionary: AUTHENTICATED,
    auditLog: needsWithoutPurpose('audit:read'),
    consentPurposes: AUTHENTICATED,
    exportCustomerData: needsWithoutPurpose('privacy:export'),
    erasureRequest: needsWithoutPurpose('privacy:erase'),
    segments: needs('segments:read'),
    segment: needs('segments:read'),
    _entities: needs('customers:read'),
    // The SDL is what a gateway composes: no data, but the whole schema, which production hides from everyone else.
    _service: needs('schema:read'),
  },
  Mutation: {
    ingestEvents: needs('ingest:write'),
    upsertSourceRecords: needs('ingest:write'),
    resubmitDeadLetter: needs('ingest:write'),
    setConsent: needs('consent:write'),
    eraseCustomer: needsWithoutPurpose('privacy:erase'),
    createSegment: needs('segments:write'),
    updateSegment: needs('segments:write'),
    deleteSegment: needs('segments:write'),
  },
  Subscription: {
    customerChanged: needs('customers:read'),
    consentChanged: needs('customers:read'),
    segmentMembershipChanged: needs('segments:read'),
  },
};

export const DENY_UNLISTED: ShieldRule = deny;
