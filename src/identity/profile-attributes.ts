import type { FieldPolicy, MaskKind } from '../kernel/classification';

/** The types that show the golden attributes as fields: the profile, and the right-of-access export of each profile. */
export type GoldenAttributeHolder = 'Customer' | 'ExportedProfile';

/**
 * How a golden attribute is shown wherever it is a field. Its value is the string survivorship picked (or null
 * before any source gave one), so every holder declares it as a nullable String; the classification and mask are
 * the same in every holder (a mask changed for the profile and not for the export would leak through the export);
 * only the description may differ per holder.
 */
export type GoldenAttribute = Readonly<{
  policy: FieldPolicy;
  description?: Readonly<Partial<Record<GoldenAttributeHolder, string>>>;
}>;

const pii = (mask: MaskKind, description?: GoldenAttribute['description']): GoldenAttribute => ({ policy: { classification: 'PII', mask }, description });
const pseudonymous = (): GoldenAttribute => ({ policy: { classification: 'PSEUDONYMOUS' } });

/**
 * Golden-record attributes: the profile fields that survivorship picks from events and source records, in the order
 * the profile and the export show them. The one declaration of them: Customer and ExportedProfile get their fields
 * from it (customers/golden-attribute-fields.ts).
 */
export const GOLDEN_ATTRIBUTES = {
  firstName: pii('name'),
  lastName: pii('name'),
  email: pii('email', { Customer: 'Golden email (not necessarily the only EMAIL identifier).' }),
  phone: pii('phone'),
  birthday: pii('birthdate'),
  gender: pii('redact'),
  company: pseudonymous(),
  street: pii('redact'),
  city: pii('locality'),
  postalCode: pii('redact'),
  state: pii('locality'),
  country: pii('locality'),
} as const satisfies Record<string, GoldenAttribute>;

export type ProfileAttribute = keyof typeof GOLDEN_ATTRIBUTES;
export const PROFILE_ATTRIBUTES = Object.keys(GOLDEN_ATTRIBUTES) as readonly ProfileAttribute[];

export type Observations = Partial<Record<ProfileAttribute, string>>;

/** Golden values as a profile read holds them: null when no source gave one, absent when the read did not select it. */
export type GoldenValues = { [A in ProfileAttribute]?: string | null };

/** One source's latest value of one attribute. */
export type Candidate = { value: string; source: string; at: string; ref: string };
export type Candidates = Partial<Record<ProfileAttribute, Candidate[]>>;

export type Lineage = { attribute: ProfileAttribute; source: string; at: string; ref: string };
/**
 * The lineage as stored: the source of each golden value. Its time and reference are those of that source's
 * candidate, which the customer keeps anyway, so storing them again would write every profile's facts twice.
 */
export type GoldenSources = Partial<Record<ProfileAttribute, string>>;
export type GoldenRecord = { values: Observations; lineage: Lineage[] };
