import type { Principal, PrincipalContext } from '../auth/principal';
import { statementsInForce } from '../kernel/statements-in-force';
import type { ProfileSelection } from '../customers/profile-selection';
import type { LoadersContext } from '../customers/customer.loaders';
import type { ProfileRow } from '../customers/customer.repository';
import { ForbiddenError } from '../shared/errors';

type Statement = { purpose?: unknown; status?: unknown };

/** The status in force for a purpose, or null when nothing was ever said about it. */
export function currentConsentStatus(statements: readonly Statement[], purpose: string): string | null {
  const inForce = statementsInForce(statements).find((statement) => statement.purpose === purpose);
  return inForce ? String(inForce.status) : null;
}

/**
 * A principal acting for a purpose sees a customer only while that customer's current consent for the purpose is
 * GRANTED; no statement at all is not consent. Principals without a purpose are bound by their scopes alone.
 */
export const admits = (principal: Principal, profile: Pick<ProfileRow, 'consents'>): boolean =>
  principal.purpose === null || currentConsentStatus(profile.consents, principal.purpose) === 'GRANTED';

const noConsent = (principal: Principal) =>
  new ForbiddenError(`this customer has not granted consent for ${principal.purpose}`, { reason: 'NO_CONSENT', purpose: principal.purpose });

/** Single reads refuse a customer the purpose does not cover; lists leave such customers out instead. */
export function assertAdmitted(principal: Principal, profile: Pick<ProfileRow, 'consents'>): void {
  if (!admits(principal, profile)) throw noConsent(principal);
}

/** Only what admission reads: the consent statements' purpose and status. */
const CONSENTS_ONLY: ProfileSelection = Object.freeze({ customer: ['id'], identifiers: false, devices: false, consents: true, consentDetails: false });

const consentsOf = ({ loaders }: Pick<LoadersContext, 'loaders'>, customerId: string) => loaders.selectedProfile(CONSENTS_ONLY).load(customerId);

/**
 * A customer id a purpose-bound principal may be shown: only one that consents to its purpose (else null). Loads
 * just the consents, only for a purpose-bound principal.
 */
export async function admittedId(context: Pick<PrincipalContext & LoadersContext, 'principal' | 'loaders'>, customerId: string): Promise<string | null> {
  if (context.principal.purpose === null) return customerId;
  const profile = await consentsOf(context, customerId);
  return profile && admits(context.principal, profile) ? customerId : null;
}

/**
 * Whether a purpose-bound principal may have been shown this customer: it consents now, or it once granted the
 * purpose (so the principal may hold it and must hear that it leaves). A customer that never consented stays unknown.
 */
export async function mayHaveSeen(context: Pick<PrincipalContext & LoadersContext, 'principal' | 'loaders'>, customerId: string): Promise<boolean> {
  const { purpose } = context.principal;
  if (purpose === null) return true;
  const profile = await consentsOf(context, customerId);
  // Erased: its id names nobody any more, and whoever held it must drop it.
  if (!profile) return true;
  return profile.consents.some((statement) => statement.purpose === purpose && statement.status === 'GRANTED');
}

/** A consent change a purpose-bound principal hears: of its own purpose, granting it or withdrawing a grant. */
export const hearsConsentChange = (principal: Principal, change: { purpose: string; status: string; previousStatus: string | null }): boolean =>
  principal.purpose === null || (change.purpose === principal.purpose && (change.status === 'GRANTED' || change.previousStatus === 'GRANTED'));

const ADMITTED_FOR = Symbol('admitted for purpose');

/**
 * Marks a customer object as checked for the principal's purpose. The policy layer refuses a purpose-bound
 * principal any customer object without this mark (CONSENT_GATED_TYPE), so only code that checked admission can
 * hand one out. Spreads keep the mark (an own enumerable symbol).
 */
export function admitted<T extends object>(principal: Principal, customer: T): T {
  if (principal.purpose !== null) Object.assign(customer, { [ADMITTED_FOR]: principal.purpose });
  return customer;
}

/** The same as `assertAdmitted`, then marked: for resolvers that return the customer they checked. */
export function admit<T extends object>(principal: Principal, profile: Pick<ProfileRow, 'consents'>, customer: T): T {
  assertAdmitted(principal, profile);
  return admitted(principal, customer);
}

/** The policy layer's check: the value passed, or the refusal. */
export function gateCustomer(principal: Principal, customer: unknown): unknown {
  if (principal.purpose === null || customer === null || typeof customer !== 'object') return customer;
  if ((customer as Record<symbol, unknown>)[ADMITTED_FOR] === principal.purpose) return customer;
  throw noConsent(principal);
}
