import { Extensions } from 'type-graphql';

/**
 * Every field of the schema carries exactly one classification, declared with these decorators on the field itself
 * (or on the resolver method that defines it), so the data dictionary and the access rules cannot drift from the code.
 */
export type Classification = 'PII' | 'PSEUDONYMOUS' | 'AGGREGATED' | 'PUBLIC';

/** How a PII value is shown to a principal allowed only masked values. */
export type MaskKind =
  | 'email' // j***@e***.com
  | 'phone' // +49*******12
  | 'name' // initial: A.
  | 'birthdate' // year only
  | 'locality' // city / country: kept, it is what an address is reduced to
  | 'redact' // street, postal code, free text: ***
  | 'identifier' // by the identifier's type: email and phone masks, other ids as 'id'
  | 'id' // an id whatever it holds (an email sent as a userId): ab***z, a quarter of it at most
  | 'ref' // a cause: a record key keeps its source (RECORD:crm:ab***z), a messageId is masked as 'id'
  | 'json' // keys kept, every value redacted
  | 'ruleLiterals'; // a segment rule tree: each literal masked like the golden attribute it tests

export type FieldPolicy = Readonly<{
  classification: Classification;
  /** Only for PII. */
  mask?: MaskKind;
  /** Overrides the type's retention for this field. */
  retention?: string;
  /**
   * The value is the id of a customer other than the one being read (a conflict's other side, an ingested item's
   * customer): a purpose-bound principal gets it only when that customer consents to its purpose, else null.
   */
  namesCustomer?: boolean;
}>;

export type TypePolicy = Readonly<{ owner: string; retention: string }>;

export const FIELD_POLICY = 'fieldPolicy';
export const TYPE_POLICY = 'typePolicy';

const classify = (policy: FieldPolicy) => Extensions({ [FIELD_POLICY]: policy });

export const Pii = (mask: MaskKind, options: { retention?: string } = {}) => classify({ classification: 'PII', mask, ...options });
export const Pseudonymous = (options: { retention?: string; namesCustomer?: boolean } = {}) =>
  classify({ classification: 'PSEUDONYMOUS', ...options });
export const Aggregated = () => classify({ classification: 'AGGREGATED' });
export const Public = () => classify({ classification: 'PUBLIC' });

/** Who answers for a type's data and how long it is kept; on the class, next to @ObjectType. */
export const DataOwner = (owner: string, retention: string) => Extensions({ [TYPE_POLICY]: { owner, retention } satisfies TypePolicy });
