import type { DroppedIdentifier, IdentifierNormalizer, NormalizedIdentifier } from '../identity/identifier-normalizer';
import type { IdentifierType } from '../kernel/identifier-type';
import { reject } from './rejection';

/** Gathers an input's identifiers, normalised; blocked and invalid values are dropped and remembered. */
export class IdentifierCollector {
  readonly identifiers: NormalizedIdentifier[] = [];
  readonly dropped: DroppedIdentifier[] = [];

  constructor(private readonly normalizer: IdentifierNormalizer) {}

  add(type: IdentifierType, raw: string | null | undefined): void {
    if (raw === null || raw === undefined) return;
    const result = this.normalizer.normalize(type, raw);
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
