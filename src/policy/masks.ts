import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { mapJson } from '../shared/json-tree';
import type { MaskKind } from '../kernel/classification';

const REDACTED = '***';

/** j***@e***.com: the first letter of the local part and of the domain, and the top-level domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return REDACTED;
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${email[0]}***@${domain[0] ?? ''}***${tld}`;
}

/** +49*******12: the country calling code and the last two digits; as many stars as digits hidden. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const countryCode = parsePhoneNumberFromString(phone)?.countryCallingCode ?? '';
  const hidden = Math.max(0, digits.length - countryCode.length - 2);
  if (digits.length <= countryCode.length + 2) return `+${countryCode}${'*'.repeat(digits.length - countryCode.length)}`;
  return `+${countryCode}${'*'.repeat(hidden)}${digits.slice(-2)}`;
}

/** Anna Maria -> A. M. */
export const maskName = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => `${part[0]!.toUpperCase()}.`)
    .join(' ');

/** 1985-03-14 -> 1985 */
export const maskBirthdate = (date: string) => /^(\d{4})/.exec(date)?.[1] ?? REDACTED;

/** Keeps the shape, hides every value; iterative, as a stored payload may nest deeper than a stack allows. */
const maskJson = (value: unknown): unknown => mapJson(value, (leaf) => (leaf === null ? null : REDACTED));

/**
 * ab***z: ids can hold anything (an email sent as a userId, a name in a CRM id), so at most a quarter of the
 * characters is shown, split between both ends, and never more than four.
 */
export function maskId(id: string): string {
  const chars = Array.from(id);
  const shown = Math.min(4, Math.floor(chars.length / 4));
  const head = Math.ceil(shown / 2);
  return `${chars.slice(0, head).join('')}${REDACTED}${chars.slice(chars.length - (shown - head)).join('')}`;
}

/** The identifier's own type decides: EMAIL and PHONE get their masks, every other id the id mask. */
export function maskIdentifier(value: string, type: string | undefined): string {
  if (type === 'EMAIL') return maskEmail(value);
  if (type === 'PHONE') return maskPhone(value);
  return maskId(value);
}

const API_CAUSE = 'setConsent by ';

/**
 * A cause or a record version: a source record's key keeps its prefix and source (RECORD:crm:ab***z, the rest being
 * the external id and any version), a statement made through the API who made it (masked), and a messageId is an id.
 */
export function maskRef(ref: string): string {
  const record = /^(RECORD:[^:]*:)(.*)$/s.exec(ref);
  if (record) return `${record[1]}${maskId(record[2])}`;
  if (ref.startsWith(API_CAUSE)) return `${API_CAUSE}${maskId(ref.slice(API_CAUSE.length))}`;
  return maskId(ref);
}

/** The masks that show the value as stored: a reader who sees only masked values still reads these in clear. */
export const keepsValue = (kind: MaskKind | null | undefined): boolean => kind === 'locality';

/** A golden attribute's mask, or null when the attribute is not PII. */
export type AttributeMask = (attribute: string) => MaskKind | null;

/** Every node of a segment rule tree that compares a golden attribute (`{"attribute": "email", "eq": ...}`). */
function* attributeNodes(tree: unknown): Generator<Record<string, unknown>> {
  // Stored definitions were checked to nest at most 12 levels, so this recursion is bounded.
  if (Array.isArray(tree)) for (const node of tree) yield* attributeNodes(node);
  else if (tree !== null && typeof tree === 'object') {
    const node = tree as Record<string, unknown>;
    if (typeof node.attribute === 'string') yield node;
    else for (const child of Object.values(node)) yield* attributeNodes(child);
  }
}

/** A comparison's literal: a text or a list of texts. Presence tests (true/false) say no more than a masked value. */
const isLiteral = (value: unknown) => typeof value === 'string' || (Array.isArray(value) && value.some((v) => typeof v === 'string'));

/**
 * A segment rule tree with each literal masked like the attribute it compares (`{"attribute": "birthday", "gte":
 * "1985-03-14"}` shows `"1985"`), so a definition tells a reader no more than the profiles it tests would.
 */
export function maskRuleLiterals(tree: unknown, maskOf: AttributeMask): unknown {
  if (Array.isArray(tree)) return tree.map((node) => maskRuleLiterals(node, maskOf));
  if (tree === null || typeof tree !== 'object') return tree;
  const node = tree as Record<string, unknown>;
  if (typeof node.attribute !== 'string') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, maskRuleLiterals(child, maskOf)]));
  const kind = maskOf(node.attribute);
  if (kind === null) return node;
  const literal = (value: unknown): unknown =>
    typeof value === 'string' ? mask(kind, value) : Array.isArray(value) ? value.map(literal) : value;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === 'attribute' ? value : literal(value)]));
}

/** Whether reading the value in clear shows PII: always, except a rule tree that compares no PII attribute with a literal. */
export function showsPii(kind: MaskKind, value: unknown, maskOf: AttributeMask): boolean {
  if (kind !== 'ruleLiterals') return true;
  for (const node of attributeNodes(value)) {
    if (maskOf(node.attribute as string) !== null && Object.entries(node).some(([key, v]) => key !== 'attribute' && isLiteral(v))) return true;
  }
  return false;
}

/**
 * Masks one value; `parent` gives context where the mask depends on it (an identifier's type), `maskOf` the masks of
 * golden attributes for a rule tree (without it, every literal of a rule tree is redacted).
 */
export function mask(kind: MaskKind, value: unknown, parent?: Record<string, unknown>, maskOf: AttributeMask = () => 'redact'): unknown {
  if (value === null || value === undefined) return value;
  switch (kind) {
    case 'email':
      return maskEmail(String(value));
    case 'phone':
      return maskPhone(String(value));
    case 'name':
      return maskName(String(value));
    case 'birthdate':
      return maskBirthdate(String(value));
    case 'locality':
      return value;
    case 'redact':
      return REDACTED;
    case 'identifier': {
      const type = (parent?.type ?? parent?.identifierType ?? parent?.viaIdentifierType) as string | undefined;
      return maskIdentifier(String(value), type);
    }
    case 'id':
      return maskId(String(value));
    case 'ref':
      return maskRef(String(value));
    case 'json':
      return maskJson(value);
    case 'ruleLiterals':
      return maskRuleLiterals(value, maskOf);
  }
}
