import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { PersonKey } from './erasure.repository';
import { jsonStrings } from '../shared/json-tree';

/**
 * Tells whether a raw dead-letter payload carries one of the person's identifiers. Payloads are stored as they
 * arrived (" Ada@Example.COM", "+44 20 7946 0958"), so every string in it is normalised like an identifier before
 * comparing; a letter that mentions the person is theirs and is deleted with them.
 */
export class DeadLetterMatcher {
  private readonly emails = new Set<string>();
  private readonly phones = new Set<string>();
  /** The countries of the person's phones: a payload may write one in national format (`030 1234567`). */
  private readonly phoneRegions = new Set<CountryCode>();
  private readonly ids = new Set<string>();
  /** Values of configured types, by type: a payload's text is normalised as each (case, pattern) before comparing. */
  private readonly configured = new Map<string, Set<string>>();

  constructor(
    private readonly normalizer: IdentifierNormalizer,
    keys: PersonKey[],
  ) {
    for (const { type, value } of keys) {
      if (type === 'EMAIL') this.emails.add(value);
      else if (type === 'PHONE') {
        this.phones.add(value);
        const country = parsePhoneNumberFromString(value)?.country;
        if (country) this.phoneRegions.add(country);
      } else if (type !== null && normalizer.types.get(type)?.builtIn === false) {
        if (!this.configured.has(type)) this.configured.set(type, new Set());
        this.configured.get(type)!.add(value);
      } else this.ids.add(value);
    }
  }

  get isEmpty(): boolean {
    return this.emails.size + this.phones.size + this.ids.size + this.configured.size === 0;
  }

  matches(payload: string): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      parsed = payload;
    }
    return jsonStrings(parsed).some((raw) => {
      const text = raw.trim();
      if (this.ids.has(text)) return true;
      if (this.emails.size > 0 && text.includes('@')) {
        const email = this.normalizer.normalize('EMAIL', text);
        if (email.ok && this.emails.has(email.identifier.value)) return true;
      }
      if (this.phones.size > 0 && /\d{4}/.test(text)) {
        for (const region of [null, ...this.phoneRegions]) {
          const phone = this.normalizer.normalize('PHONE', text, region);
          if (phone.ok && this.phones.has(phone.identifier.value)) return true;
        }
      }
      for (const [type, values] of this.configured) {
        const id = this.normalizer.normalize(type, text);
        if (id.ok && values.has(id.identifier.value)) return true;
      }
      return false;
    });
  }
}
