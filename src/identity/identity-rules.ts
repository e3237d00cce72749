import { BUILT_IN_IDENTIFIER_TYPES, type IdentifierTypes } from '../kernel/identifier-types';
import { BUILT_IN_TYPES, type IdentifierType } from '../kernel/identifier-type';

/** Match rules are data: each distinct set gets a version in the graph, and every link and merge records it. */
export type IdentityRules = {
  /** Most distinct values of a type one customer may hold; a link or merge that would exceed it is refused. Unlisted: no limit. */
  limits: Record<IdentifierType, number>;
  /** Order in which an event's identifiers are resolved; a refused identifier never blocks a higher one. */
  priority: IdentifierType[];
  /**
   * A device id seen with a second known person (a customer holding one of `personTypes`) becomes shared: it stays
   * usage and links no one from then on. Unset: devices link like any identifier (merge protection off).
   */
  shareDevices?: boolean;
  /** Types that make a customer a known person rather than an anonymous visitor; the built-in ones when unset. */
  personTypes?: readonly IdentifierType[];
};

export const DEFAULT_LIMITS: Record<IdentifierType, number> = BUILT_IN_IDENTIFIER_TYPES.defaultLimits;

/**
 * A visitor's own cookie before a device: a household tablet carries everyone's device id, but each browser profile
 * its own anonymousId, so resolving by the device first put one member's page views on another's profile.
 */
export const DEFAULT_PRIORITY: IdentifierType[] = BUILT_IN_IDENTIFIER_TYPES.defaultPriority;

/** Merge protection switched off: every identifier links, so customers are the connected components. */
export const UNLIMITED: Record<IdentifierType, number> = Object.fromEntries(BUILT_IN_TYPES.map((type) => [type, Number.MAX_SAFE_INTEGER]));

/** The rules of a deployment: its types' limits and order, overridden by IDENTITY_LIMITS and IDENTITY_PRIORITY. */
export function identityRules(
  limits: Partial<Record<IdentifierType, number>> = {},
  priority: IdentifierType[] = [],
  types: IdentifierTypes = BUILT_IN_IDENTIFIER_TYPES,
): IdentityRules {
  const order = [...priority, ...types.defaultPriority.filter((type) => !priority.includes(type))];
  const merged = { ...types.defaultLimits };
  for (const [type, limit] of Object.entries(limits)) if (limit !== undefined) merged[type] = limit;
  return { limits: merged, priority: order, shareDevices: true, personTypes: types.personTypes };
}
