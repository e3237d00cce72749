import type { GraphQLError } from 'graphql';
import { allow, deny, rule } from 'graphql-shield';
import type { Scope } from '../auth/roles';
import type { Principal, PrincipalContext } from '../auth/principal';
import { UnauthenticatedError } from '../auth/token-verifier';
import { ForbiddenError } from '../shared/errors';
import type { Classification } from '../kernel/classification';

type ShieldRule = typeof allow | typeof deny | ReturnType<ReturnType<typeof rule>>;

/**
 * An access rule: the shield rule that enforces it, and the same decision as a function of the principal, which the
 * operation check and the data dictionary call. Rules read only the principal, so shield may cache each decision per
 * request ('contextual'): no decision depends on the parent value, so none can leak from one list item to another.
 * Per-customer decisions (purpose) are made where the customer is loaded, not here (see `perCustomer` and
 * CONSENT_GATED_TYPE).
 */
export type AccessRule = Readonly<{
  shield: ShieldRule;
  /** The same decision outside shield (operations before they run, the data dictionary): true, or the error. */
  check(principal: Principal): true | GraphQLError;
  /**
   * What it yields concerns one customer at a time, and a purpose-bound principal gets it only for customers who
   * consent to its purpose; decided per customer by the resolver (purpose-policy.ts), listed here so the data
   * dictionary says so.
   */
  perCustomer?: true;
}>;

const refusal = (principal: Principal, message: string) =>
  principal.authenticated ? new ForbiddenError(message) : new UnauthenticatedError('authentication required: send a bearer token');

function accessRule(name: string, check: AccessRule['check']): AccessRule {
  return { shield: rule(name, { cache: 'contextual' })((_parent, _args, { principal }: PrincipalContext) => check(principal)), check };
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
      accessRule(name, (principal) => {
        const decision = scoped.check(principal);
        if (decision !== true) return decision;
        return principal.purpose === null || refusal(principal, `not allowed to a token bound to the purpose ${principal.purpose}`);
      }),
    );
  }
  return scopeRules.get(name)!;
}

const perCustomer = (rule: AccessRule): AccessRule => ({ ...rule, perCustomer: true });

export const AUTHENTICATED = accessRule('authenticated', (principal) => principal.authenticated || refusal(principal, ''));
export const ANYONE: AccessRule = { shield: allow, check: () => true };

/**
 * Recording what a person said about a purpose, by setConsent or inside ingested events and records. Never by a
 * token bound to a purpose: its access depends on that consent, so it could grant itself (or a sibling purpose) the
 * people it was refused.
 */
export const RECORD_CONSENT = needsWithoutPurpose('consent:write');

/**
 * Finding a customer by an identifier value: whether a value is someone's is what a reader shown identifiers masked
 * must not learn by guessing, so the lookup needs them in clear (every identifier type is masked without pii:read).
 */
export const LOOKUP_BY_IDENTIFIER = accessRule('lookup-by-identifier', (principal) => {
  const reader = needs('customers:read').check(principal);
  if (reader !== true) return reader;
  return (
    principal.scopes.has('pii:read') ||
    new ForbiddenError('looking a customer up by an identifier needs identifiers in clear (the pii:read scope); read by customer id instead', {
      reason: 'LOOKUP_BY_MASKED_VALUE',
    })
  );
});

/**
 * Objects of this type are one customer's data: a purpose-bound principal gets them only for customers who consent
 * to its purpose. Whatever resolves one marks it admitted (purpose-policy.ts); the policy layer refuses an unmarked
 * one to a purpose-bound principal, so a new path to customers cannot forget the check.
 */
export const CONSENT_GATED_TYPE = 'Customer';

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
    customerByIdentifier: LOOKUP_BY_IDENTIFIER,
    customers: needs('customers:read'),
    deadLetters: needsWithoutPurpose('deadletters:read'),
    dataDictionary: AUTHENTICATED,
    auditLog: needsWithoutPurpose('audit:read'),
    consentPurposes: AUTHENTICATED,
    identifierTypes: AUTHENTICATED,
    rebuildCustomer: needsWithoutPurpose('identity:review'),
    matchModel: AUTHENTICATED,
    matchCandidates: needsWithoutPurpose('identity:review'),
    stewardDecisions: needsWithoutPurpose('identity:review'),
    matchRules: needsWithoutPurpose('identity:review'),
    matchRuleSets: needsWithoutPurpose('identity:review'),
    matchRuleActivations: needsWithoutPurpose('identity:review'),
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
    setConsent: RECORD_CONSENT,
    eraseCustomer: needsWithoutPurpose('privacy:erase'),
    createSegment: needs('segments:write'),
    updateSegment: needs('segments:write'),
    deleteSegment: needs('segments:write'),
    mergeCustomers: needsWithoutPurpose('identity:decide'),
    keepCustomersApart: needsWithoutPurpose('identity:decide'),
    resolveMatchCandidate: needsWithoutPurpose('identity:decide'),
    unmergeCustomer: needsWithoutPurpose('identity:decide'),
    importMatchDecisions: needsWithoutPurpose('identity:decide'),
    retireIdentifier: needsWithoutPurpose('identity:decide'),
    proposeMatchRules: needsWithoutPurpose('identity:rules'),
    activateMatchRules: needsWithoutPurpose('identity:rules'),
    rollbackMatchRules: needsWithoutPurpose('identity:rules'),
  },
  Subscription: {
    customerChanged: perCustomer(needs('customers:read')),
    // Also a withdrawal of consent the principal held: that is what it must hear.
    consentChanged: perCustomer(needs('customers:read')),
    segmentMembershipChanged: perCustomer(needs('segments:read')),
    matchCandidateAdded: needsWithoutPurpose('identity:review'),
  },
};

export const DENY_UNLISTED: ShieldRule = deny;
