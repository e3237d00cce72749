import { BUILT_IN_TYPES, type BuiltInType, type IdentifierType } from './identifier-type';

/** How a configured type's values are made comparable: trimmed always, then cased, then checked against a pattern. */
export type ValueCase = 'keep' | 'lower' | 'upper';

/** One identifier type as an operator configures it (IDENTITY_TYPES). */
export type ConfiguredType = {
  name: string;
  description?: string;
  /** Trait (event) and attribute (record) names its values are read from, e.g. `loyaltyId`. */
  fields?: string[];
  case?: ValueCase;
  /** A normalised value must match it (anchored by the operator), else it is dropped as INVALID. */
  pattern?: string;
  /** Most distinct values one customer may hold (merge protection); 5 when left out. */
  limit?: number;
  /** Whether a value names a known person (as a USER_ID does) rather than a browser or a device; true when left out. */
  person?: boolean;
};

export type IdentifierTypeDefinition = {
  name: IdentifierType;
  description: string;
  builtIn: boolean;
  person: boolean;
  /** Merge protection's default limit; IDENTITY_LIMITS overrides it. */
  limit: number;
  /** What normalisation does to a value, in words. */
  normalization: string;
  /** Trait and record attribute names a configured type reads its values from (built-in types read their own). */
  fields: readonly string[];
  /** Where its values are read from, for people: `traits.email`, `userId`, ... */
  sources: readonly string[];
  valueCase: ValueCase;
  pattern: RegExp | null;
};

const DEFAULT_LIMIT = 5;

const BUILT_IN: Record<BuiltInType, Omit<IdentifierTypeDefinition, 'name' | 'builtIn' | 'valueCase' | 'pattern' | 'fields'>> = {
  USER_ID: { description: 'The id a customer has in the product that sends events (Segment userId).', person: true, limit: 1, normalization: 'trimmed', sources: ['userId'] },
  CRM_ID: { description: 'The id of the customer in a CRM.', person: true, limit: 1, normalization: 'trimmed', sources: ['traits.crmId', 'traits.crm_id'] },
  EMAIL: { description: 'An email address.', person: true, limit: DEFAULT_LIMIT, normalization: 'trimmed, lower-cased, checked to be an address', sources: ['traits.email', 'attributes.email'] },
  PHONE: {
    description: 'A phone number.',
    person: true,
    limit: DEFAULT_LIMIT,
    normalization: "E.164 (libphonenumber-js); a national number in the item's region, else IDENTITY_DEFAULT_REGION",
    sources: ['traits.phone', 'attributes.phone'],
  },
  ANONYMOUS_ID: { description: 'A pre-login id set by a tracking library (Segment anonymousId).', person: false, limit: DEFAULT_LIMIT, normalization: 'trimmed', sources: ['anonymousId', 'previousId (ALIAS)'] },
  DEVICE_ID: { description: 'A device id from the event context.', person: false, limit: DEFAULT_LIMIT, normalization: 'trimmed; shared once seen with two known people', sources: ['context.device.id'] },
};

/** Built-in person types first, then configured ones, then cookies and devices: the order IDENTITY_PRIORITY completes. */
const LAST: readonly IdentifierType[] = ['ANONYMOUS_ID', 'DEVICE_ID'];

/** The identifier types of this deployment: the built-in ones and those configured in IDENTITY_TYPES. */
export class IdentifierTypes {
  private readonly byName: ReadonlyMap<IdentifierType, IdentifierTypeDefinition>;
  /** Derived once: normalisers read `configured` for every event, the suppression screen for every string it tries. */
  readonly list: readonly IdentifierTypeDefinition[];
  readonly names: readonly IdentifierType[];
  readonly configured: readonly IdentifierTypeDefinition[];
  readonly personTypes: readonly IdentifierType[];
  /** Types whose values name no person: a profile holding only these is an anonymous visitor's. */
  readonly anonymousTypes: readonly IdentifierType[];

  constructor(configured: readonly ConfiguredType[] = []) {
    const builtIn = BUILT_IN_TYPES.map((name): IdentifierTypeDefinition => ({ name, builtIn: true, valueCase: 'keep', pattern: null, fields: [], ...BUILT_IN[name] }));
    const custom = configured.map(
      (type): IdentifierTypeDefinition => ({
        name: type.name,
        description: type.description ?? `${type.name}, configured by this deployment.`,
        builtIn: false,
        person: type.person ?? true,
        limit: type.limit ?? DEFAULT_LIMIT,
        normalization: ['trimmed', type.case && type.case !== 'keep' ? `${type.case}-cased` : null, type.pattern ? `must match ${type.pattern}` : null]
          .filter(Boolean)
          .join(', '),
        fields: type.fields ?? [],
        sources: (type.fields ?? []).flatMap((field) => [`traits.${field}`, `attributes.${field}`]),
        valueCase: type.case ?? 'keep',
        pattern: type.pattern ? new RegExp(type.pattern) : null,
      }),
    );
    this.list = [...builtIn, ...custom];
    this.byName = new Map(this.list.map((definition) => [definition.name, definition]));
    this.names = this.list.map((type) => type.name);
    this.configured = custom;
    this.personTypes = this.list.filter((type) => type.person).map((type) => type.name);
    this.anonymousTypes = this.list.filter((type) => !type.person).map((type) => type.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: IdentifierType): IdentifierTypeDefinition | undefined {
    return this.byName.get(name);
  }

  /** A fresh record: the rules built from it are their own. */
  get defaultLimits(): Record<IdentifierType, number> {
    return Object.fromEntries(this.list.map((type) => [type.name, type.limit]));
  }

  /** A fresh list, as defaultLimits. */
  get defaultPriority(): IdentifierType[] {
    return [...this.names.filter((name) => !LAST.includes(name)), ...LAST];
  }
}

/** The built-in types alone: what a deployment without IDENTITY_TYPES has. */
export const BUILT_IN_IDENTIFIER_TYPES = new IdentifierTypes();
