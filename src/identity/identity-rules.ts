import { IDENTIFIER_TYPES, type IdentifierType } from '../kernel/identifier-type';

/** Match rules are data: each distinct set gets a version in the graph, and every link and merge records it. */
export type IdentityRules = {
  /** Most distinct values of a type one customer may hold; a link or merge that would exceed it is refused. */
  limits: Record<IdentifierType, number>;
  /** Order in which an event's identifiers are resolved; a refused identifier never blocks a higher one. */
  priority: IdentifierType[];
  /**
   * A device id seen with a second known person (a customer holding one of PERSON_TYPES) becomes shared: it stays
   * usage and links no one from then on. Unset: devices link like any identifier (merge protection off).
   */
  shareDevices?: boolean;
};

/** Identifier types that make a customer a known person rather than an anonymous visitor. */
export const PERSON_TYPES: readonly IdentifierType[] = ['USER_ID', 'CRM_ID', 'EMAIL', 'PHONE'];

export const DEFAULT_LIMITS: Record<IdentifierType, number> = {
  USER_ID: 1,
  CRM_ID: 1,
  EMAIL: 5,
  PHONE: 5,
  ANONYMOUS_ID: 5,
  DEVICE_ID: 5,
};

/**
 * A visitor's own cookie before a device: a household tablet carries everyone's device id, but each browser profile
 * its own anonymousId, so resolving by the device first put one member's page views on another's profile.
 */
export const DEFAULT_PRIORITY: IdentifierType[] = ['USER_ID', 'CRM_ID', 'EMAIL', 'PHONE', 'ANONYMOUS_ID', 'DEVICE_ID'];

/** Merge protection switched off: every identifier links, so customers are the connected components. */
export const UNLIMITED: Record<IdentifierType, number> = Object.fromEntries(
  IDENTIFIER_TYPES.map((type) => [type, Number.MAX_SAFE_INTEGER]),
) as Record<IdentifierType, number>;

export function identityRules(
  limits: Partial<Record<IdentifierType, number>> = {},
  priority: IdentifierType[] = [],
): IdentityRules {
  const order = [...priority, ...DEFAULT_PRIORITY.filter((type) => !priority.includes(type))];
  return { limits: { ...DEFAULT_LIMITS, ...limits }, priority: order, shareDevices: true };
}
