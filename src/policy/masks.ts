import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { mapJson } from '../shared/json-tree';
import type { MaskKind } from './classification';

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
 * The identifier's own type decides: EMAIL and PHONE are masked; user, CRM, anonymous and device ids are
 * pseudonymous (they appear unmasked as device ids, source-record keys and link causes too) and are kept.
 */
export function maskIdentifier(value: string, type: string | undefined): string {
  if (type === 'EMAIL') return maskEmail(value);
  if (type === 'PHONE') return maskPhone(value);
  return type ? value : REDACTED;
}

/** Masks one value; `parent` gives context where the mask depends on it (an identifier's type). */
export function mask(kind: MaskKind, value: unknown, parent?: Record<string, unknown>): unknown {
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
    case 'json':
      return maskJson(value);
  }
}
