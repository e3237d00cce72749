/** Golden-record attributes: the profile fields that survivorship picks from events and source records. */
export const PROFILE_ATTRIBUTES = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'birthday',
  'gender',
  'company',
  'street',
  'city',
  'postalCode',
  'state',
  'country',
] as const;
export type ProfileAttribute = (typeof PROFILE_ATTRIBUTES)[number];

export type Observations = Partial<Record<ProfileAttribute, string>>;

/** One source's latest value of one attribute. */
export type Candidate = { value: string; source: string; at: string; ref: string };
export type Candidates = Partial<Record<ProfileAttribute, Candidate[]>>;

export type Lineage = { attribute: ProfileAttribute; source: string; at: string; ref: string };
export type GoldenRecord = { values: Observations; lineage: Lineage[] };
