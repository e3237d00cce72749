import type { Principal } from '../auth/principal';
import { statementsInForce } from '../consent/consent-conflicts';
import type { AppContext } from '../server/context';
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

/** Single reads refuse a customer the purpose does not cover; lists leave such customers out instead. */
export function assertAdmitted(principal: Principal, profile: Pick<ProfileRow, 'consents'>): void {
  if (!admits(principal, profile)) {
    throw new ForbiddenError(`this customer has not granted consent for ${principal.purpose}`, {
      reason: 'NO_CONSENT',
      purpose: principal.purpose,
    });
  }
}

/** For events that name a customer without carrying the profile (subscriptions): loads it only for a purpose token. */
export async function assertAdmittedById({ principal, loaders }: Pick<AppContext, 'principal' | 'loaders'>, customerId: string): Promise<void> {
  if (principal.purpose === null) return;
  const profile = await loaders.profile.load(customerId);
  assertAdmitted(principal, profile ?? { consents: [] });
}
