import { z } from 'zod';
import { IdentifierTypes, type ConfiguredType } from '../kernel/identifier-types';
import { BUILT_IN_TYPES, RESERVED_TYPE_NAMES, TYPE_NAME, type IdentifierType } from '../kernel/identifier-type';
import { section, variable } from './declare';
import { csv } from './values';

/** Trait and attribute names the built-in types and the profile read: a configured type may not read them too. */
const PROFILE_FIELDS = [
  'userId', 'anonymousId', 'previousId', 'email', 'phone', 'crmId', 'crm_id', 'address', 'name', 'firstName', 'lastName',
  'first_name', 'last_name', 'birthday', 'birthDate', 'birth_date', 'dateOfBirth', 'gender', 'company', 'street', 'street1',
  'line1', 'city', 'postalCode', 'postal_code', 'zip', 'state', 'region', 'country', 'locale', 'consent',
];

// Names are checked against the configured types in config.ts, where IDENTITY_TYPES is known.
const isTypeName = (type: string) => TYPE_NAME.test(type);

const configuredType = z
  .object({
    name: z
      .string()
      .regex(TYPE_NAME, 'upper case letters, digits and _, starting with a letter, at most 32')
      .refine((name) => !(BUILT_IN_TYPES as readonly string[]).includes(name) && !RESERVED_TYPE_NAMES.includes(name), 'is built in or reserved'),
    description: z.string().max(500).optional(),
    fields: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a field name: letters, digits and _, starting with a letter')
          .refine((field) => !PROFILE_FIELDS.includes(field), 'is read as a built-in identifier or a profile attribute already'),
      )
      .max(10)
      .optional(),
    case: z.enum(['keep', 'lower', 'upper']).optional(),
    pattern: z
      .string()
      .max(500)
      .refine((pattern) => {
        try {
          new RegExp(pattern);
          return true;
        } catch {
          return false;
        }
      }, 'is not a valid regular expression')
      .optional(),
    limit: z.number().int().min(1).optional(),
    person: z.boolean().optional(),
  })
  .strict();

const configuredTypes = z
  .string()
  .optional()
  .transform((value, ctx): ConfiguredType[] => {
    if (!value) return [];
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of identifier types, e.g. [{"name":"LOYALTY_ID","fields":["loyaltyId"],"limit":1}]' });
      return [];
    }
    const parsed = z.array(configuredType).max(50).safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `[${issue.path.join('.')}] ${issue.message}` });
      return [];
    }
    const names = parsed.data.map((type) => type.name);
    const twice = names.filter((name, i) => names.indexOf(name) !== i);
    if (twice.length > 0) ctx.addIssue({ code: 'custom', message: `types configured twice: ${[...new Set(twice)].join(', ')}` });
    const fields = parsed.data.flatMap((type) => type.fields ?? []);
    const shared = fields.filter((field, i) => fields.indexOf(field) !== i);
    if (shared.length > 0) ctx.addIssue({ code: 'custom', message: `fields read by two types: ${[...new Set(shared)].join(', ')}` });
    return parsed.data;
  });

const identifierLimits = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const limits: Partial<Record<IdentifierType, number>> = {};
    for (const pair of csv(value)) {
      const [type, raw] = pair.split('=').map((part) => part.trim());
      const limit = Number(raw);
      if (!isTypeName(type) || !Number.isInteger(limit) || limit < 1) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not TYPE=positive integer with TYPE an identifier type's name` });
        continue;
      }
      limits[type] = limit;
    }
    return limits;
  });

const identifierOrder = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const order = csv(value);
    const malformed = order.filter((type) => !isTypeName(type));
    if (malformed.length > 0) ctx.addIssue({ code: 'custom', message: `not identifier type names: ${malformed.join(', ')}` });
    return order as IdentifierType[];
  });

const regexList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (!value) return [] as string[];
    let patterns: unknown;
    try {
      patterns = JSON.parse(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of regular expressions, e.g. ["^test@", "^0000$"]' });
      return [];
    }
    if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of strings' });
      return [];
    }
    for (const pattern of patterns) {
      try {
        new RegExp(pattern, 'i');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}` });
      }
    }
    return patterns as string[];
  });

export const identity = section(
  'Identity resolution',
  'How identifiers are normalised, limited and ranked, and which source wins an attribute.',
  {
  types: variable(
    'IDENTITY_TYPES',
    configuredTypes,
    'JSON array of identifier types besides the built-in ones, e.g. `[{"name":"LOYALTY_ID","fields":["loyaltyId"],"case":"upper","pattern":"^L[0-9]{8}$","limit":1}]`: `name` (upper case), `fields` (trait and record attribute names its values are read from), `case` (keep, lower, upper), `pattern` (a normalised value must match it, else it is dropped as INVALID), `limit` (merge protection, default 5), `person` (a known person\'s id, default true), `description`; unset: none',
  ),
  defaultRegion: variable(
    'IDENTITY_DEFAULT_REGION',
    z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 region such as US or DE')
      .default('US'),
    'region for phone numbers written without a country code, when the item tells none (the country of its address, else the region of the event\'s `context.locale`) or the number is not valid there',
  ),
  blockedPatterns: variable(
    'IDENTITY_BLOCKED_PATTERNS',
    regexList,
    'JSON array of extra case-insensitive regexes of identifier values to drop, e.g. `["^test@", "^0000$"]`; unset: none',
  ),
  limits: variable(
    'IDENTITY_LIMITS',
    identifierLimits,
    'most distinct values of an identifier type per customer, e.g. `EMAIL=3,DEVICE_ID=10`; types left out keep theirs (`USER_ID` 1, `CRM_ID` 1, configured ones their `limit`, others 5)',
  ),
  priority: variable(
    'IDENTITY_PRIORITY',
    identifierOrder,
    'resolution order of identifier types; types left out follow in the default order `USER_ID,CRM_ID,EMAIL,PHONE`, the configured types in their order, then `ANONYMOUS_ID,DEVICE_ID`',
  ),
  sourcePriority: variable(
    'SOURCE_PRIORITY',
    z
      .string()
      .default('crm,support,ecommerce,mobile,web')
      .transform((value) => csv(value).map((source) => source.toLowerCase())),
    'survivorship order of sources for golden attributes',
  ),
  },
  ({ types, ...settings }) => ({ ...settings, types: new IdentifierTypes(types) }),
);

export type IdentitySettings = z.infer<typeof identity.schema>;
