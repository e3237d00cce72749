import type { DroppedIdentifier, IdentifierNormalizer, NormalizedIdentifier, NormalizeResult } from '../identity/identifier-normalizer';
import type { CountryCode } from 'libphonenumber-js';
import type { IdentifierType } from '../kernel/identifier-type';
import { reject } from './rejection';

/**
 * Gathers an input's identifiers, normalised; blocked and invalid values are dropped and remembered. It normalises
 * for the input's profile attributes too (see profileObservations): the same email or phone in the traits is then
 * parsed once, which for a phone is most of what normalising an event costs.
 */
export class IdentifierCollector implements Pick<IdentifierNormalizer, 'normalize'> {
  readonly identifiers: NormalizedIdentifier[] = [];
  readonly dropped: DroppedIdentifier[] = [];
  private readonly normalized = new Map<string, NormalizeResult>();

  /** `region`: the one the input tells for its national-format phone numbers (see item-region.ts), or null. */
  constructor(
    private readonly normalizer: IdentifierNormalizer,
    private readonly region: CountryCode | null = null,
  ) {}

  normalize(type: IdentifierType, raw: string): NormalizeResult {
    const key = `${type}\n${raw}`;
    let result = this.normalized.get(key);
    if (result === undefined) this.normalized.set(key, (result = this.normalizer.normalize(type, raw, this.region)));
    return result;
  }

  add(type: IdentifierType, raw: string | null | undefined): void {
    if (raw === null || raw === undefined) return;
    const result = this.normalize(type, raw);
    if (result.ok) this.identifiers.push(result.identifier);
    else this.dropped.push(result.dropped);
  }

  /** An input left with no identifier cannot be resolved to anyone. */
  requireAny(): NormalizedIdentifier[] {
    if (this.identifiers.length === 0) {
      const why = this.dropped.map((d) => `${d.type} ${d.reason.toLowerCase()}`).join(', ');
      reject('NO_IDENTIFIERS', why ? `no usable identifier (${why})` : 'no identifier given');
    }
    return this.identifiers;
  }
}
