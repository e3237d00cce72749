import type { Principal } from '../auth/principal';
import { CLASSIFICATION_RULES } from './access-rules';
import { keepsValue, type AttributeMask } from './masks';
import type { CatalogField, PolicyCatalog } from './policy-catalog';

/** Golden attributes are declared, with their classification and mask, as the Customer fields of the same name. */
const DECLARED_ON = 'Customer';

/** PII comes in clear with pii:read; the masking middleware, segment rules and lookups ask this same question. */
export const seesPiiInClear = (principal: Pick<Principal, 'scopes'>): boolean => principal.scopes.has('pii:read');

const mayRead = (principal: Principal, field: CatalogField | undefined): field is CatalogField =>
  !!field?.classification && CLASSIFICATION_RULES[field.classification].check(principal) === true;

/** How a literal compared with a golden attribute is masked: like the attribute; one the catalog does not know is redacted. */
export const goldenAttributeMask =
  (catalog: PolicyCatalog): AttributeMask =>
  (attribute) => {
    const field = catalog.field(DECLARED_ON, attribute);
    if (!field?.classification) return 'redact';
    return field.classification === 'PII' ? (field.mask ?? 'redact') : null;
  };

/**
 * Whether the principal reads a golden attribute as it is stored: it may read the field at all, and is shown it
 * unmasked (pii:read, or a mask that keeps the value, as city and country are kept).
 */
export function readsInClear(principal: Principal, catalog: PolicyCatalog, attribute: string): boolean {
  const field = catalog.field(DECLARED_ON, attribute);
  if (!mayRead(principal, field)) return false;
  return field.classification !== 'PII' || seesPiiInClear(principal) || keepsValue(field.mask);
}

