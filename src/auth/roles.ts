/**
 * Who may do what. A role is a named bundle of scopes; rules check scopes, never role names, so a token can also
 * carry extra scopes granted by the identity provider (the `scope` claim).
 */
export const SCOPES = [
  'customers:read', // non-PII profile data: ids, status, devices, links, merge history
  'pii:read', // PII values in clear (each read is audited)
  'pii:masked', // PII values masked (j***@e***.com)
  'ingest:write', // ingestEvents, upsertSourceRecords, resubmitDeadLetter
  'deadletters:read',
  'consent:write', // setConsent, and consent statements inside ingested items; never with a purpose claim
  'privacy:export', // exportCustomerData
  'privacy:erase', // eraseCustomer
  'audit:read', // auditLog
  'segments:read',
  'segments:write',
  'identity:review', // rebuildCustomer, matchCandidates, stewardDecisions: the evidence log replayed, the review queue
  'identity:decide', // mergeCustomers, keepCustomersApart, resolveMatchCandidate, unmergeCustomer, retireIdentifier: a steward's decisions (each recorded)
  'identity:rules', // proposeMatchRules, activateMatchRules, rollbackMatchRules: what every later resolution decides with
  'schema:read', // _service { sdl }: what a federation gateway composes (production hides the schema otherwise)
] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLES = ['admin', 'steward', 'analyst', 'marketer', 'service', 'gateway'] as const;
export type Role = (typeof ROLES)[number];

/** The scope matrix, documented in docs/privacy-and-consent.md; change both together. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: SCOPES,
  steward: [
    'customers:read',
    'pii:read',
    'ingest:write',
    'deadletters:read',
    'consent:write',
    'privacy:export',
    'privacy:erase',
    'audit:read',
    'segments:read',
    'identity:review',
    'identity:decide',
  ],
  analyst: ['customers:read', 'pii:masked', 'segments:read'],
  marketer: ['customers:read', 'pii:masked', 'segments:read', 'segments:write'],
  service: ['customers:read', 'pii:read', 'ingest:write', 'consent:write', 'segments:read'],
  // A federation gateway's credential: it composes the SDL and forwards each caller's own token for data.
  gateway: ['schema:read'],
};

export const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);
export const isScope = (value: unknown): value is Scope => (SCOPES as readonly unknown[]).includes(value);
