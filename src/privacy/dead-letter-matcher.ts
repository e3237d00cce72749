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
  private readonly ids = new Set<string>();

  constructor(
    private readonly normalizer: IdentifierNormalizer,
    keys: PersonKey[],
  ) {
    for (const { type, value } of keys) {
      if (type === 'EMAIL') this.emails.add(value);
      else if (type === 'PHONE') this.phones.add(value);
      else this.ids.add(value);
    }
  }

  get isEmpty(): boolean {
    return this.emails.size + this.phones.size + this.ids.size === 0;
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
        const phone = this.normalizer.normalize('PHONE', text);
        if (phone.ok && this.phones.has(phone.identifier.value)) return true;
      }
      return false;
    });
  }
}
