import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import isEmail from 'validator/lib/isEmail';
import { textFault } from '../shared/well-formed-text';
import { BUILT_IN_IDENTIFIER_TYPES, type IdentifierTypes } from '../kernel/identifier-types';
import { identifierKey, type IdentifierType } from '../kernel/identifier-type';

export type NormalizedIdentifier = { type: IdentifierType; value: string; key: string };
/** SUPPRESSED: the identifier belonged to an erased person (see src/privacy/suppression-filter.ts). */
export type DropReason = 'BLOCKED' | 'INVALID' | 'SUPPRESSED';
export type DroppedIdentifier = { type: IdentifierType; reason: DropReason };

export type NormalizeResult =
  | { ok: true; identifier: NormalizedIdentifier }
  | { ok: false; dropped: DroppedIdentifier };

/** Values tracking libraries send when they have no real id (Segment's defaults, plus `undefined` and empty). */
export const DEFAULT_BLOCKED_PATTERNS = ['^[0-]*$', '^-1$', '^null$', '^anonymous$', '^undefined$', '^\\s*$'];

/** `types`: the deployment's identifier types (IDENTITY_TYPES); the built-in ones when left out. */
export type NormalizerOptions = { defaultRegion: string; blockedPatterns: string[]; types?: IdentifierTypes };

export class IdentifierNormalizer {
  private blocked: RegExp[];
  readonly types: IdentifierTypes;

  constructor(private readonly options: NormalizerOptions) {
    this.blocked = [];
    this.useBlocked(options.blockedPatterns);
    this.types = options.types ?? BUILT_IN_IDENTIFIER_TYPES;
  }

  /** Blocked values are part of the match rules: a version put in force replaces the configured ones. */
  useBlocked(patterns: string[]): void {
    this.blocked = [...DEFAULT_BLOCKED_PATTERNS, ...patterns].map((p) => new RegExp(p, 'i'));
  }

  /** `region`: the one the item itself tells (see src/ingestion/item-region.ts), tried for phones before the default. */
  normalize(type: IdentifierType, raw: string, region: CountryCode | null = null): NormalizeResult {
    // Such a value would be stored altered (a lone surrogate becomes U+FFFD) or be invisibly unlike its twin (NUL).
    if (textFault(raw)) return { ok: false, dropped: { type, reason: 'INVALID' } };
    const trimmed = raw.trim();
    if (this.isBlocked(trimmed)) return { ok: false, dropped: { type, reason: 'BLOCKED' } };
    const value = this.canonical(type, trimmed, region);
    if (value === null) return { ok: false, dropped: { type, reason: 'INVALID' } };
    if (this.isBlocked(value)) return { ok: false, dropped: { type, reason: 'BLOCKED' } };
    return { ok: true, identifier: { type, value, key: identifierKey(type, value) } };
  }

  private isBlocked(value: string) {
    return this.blocked.some((pattern) => pattern.test(value));
  }

  private canonical(type: IdentifierType, value: string, region: CountryCode | null): string | null {
    switch (type) {
      case 'EMAIL': {
        const email = value.toLowerCase();
        return isEmail(email, { allow_display_name: false, require_tld: true }) ? email : null;
      }
      case 'PHONE': {
        // A number with its country code ignores the region; a national one is read as the item's, then the default's.
        for (const candidate of region && region !== this.options.defaultRegion ? [region, this.options.defaultRegion] : [this.options.defaultRegion]) {
          const phone = parsePhoneNumberFromString(value, candidate as CountryCode);
          if (phone?.isValid()) return phone.number;
        }
        return null;
      }
      default: {
        const definition = this.types.get(type);
        if (!definition || value.length > 512) return null;
        const cased = definition.valueCase === 'lower' ? value.toLowerCase() : definition.valueCase === 'upper' ? value.toUpperCase() : value;
        return definition.pattern && !definition.pattern.test(cased) ? null : cased;
      }
    }
  }
}
