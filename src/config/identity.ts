import { z } from 'zod';
import { IDENTIFIER_TYPES, type IdentifierType } from '../kernel/identifier-type';
import { section, variable } from './declare';
import { csv } from './values';

const isIdentifierType = (type: string): type is IdentifierType => (IDENTIFIER_TYPES as readonly string[]).includes(type);

const identifierLimits = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const limits: Partial<Record<IdentifierType, number>> = {};
    for (const pair of csv(value)) {
      const [type, raw] = pair.split('=').map((part) => part.trim());
      const limit = Number(raw);
      if (!isIdentifierType(type) || !Number.isInteger(limit) || limit < 1) {
        ctx.addIssue({ code: 'custom', message: `"${pair}" is not TYPE=positive integer with TYPE one of ${IDENTIFIER_TYPES.join(', ')}` });
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
    const unknown = order.filter((type) => !isIdentifierType(type));
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown identifier types: ${unknown.join(', ')}` });
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

export const identity = section('Identity resolution', 'How identifiers are normalised, limited and ranked, and which source wins an attribute.', {
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
    'most distinct values of an identifier type per customer, e.g. `EMAIL=3,DEVICE_ID=10`; types left out keep theirs (`USER_ID` 1, `CRM_ID` 1, others 5)',
  ),
  priority: variable(
    'IDENTITY_PRIORITY',
    identifierOrder,
    'resolution order of identifier types; types left out follow in the default order `USER_ID,CRM_ID,EMAIL,PHONE,ANONYMOUS_ID,DEVICE_ID`',
  ),
  sourcePriority: variable(
    'SOURCE_PRIORITY',
    z
      .string()
      .default('crm,support,ecommerce,mobile,web')
      .transform((value) => csv(value).map((source) => source.toLowerCase())),
    'survivorship order of sources for golden attributes',
  ),
});

export type IdentitySettings = z.infer<typeof identity.schema>;
