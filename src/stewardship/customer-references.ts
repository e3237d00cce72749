import type { IdentifierNormalizer, NormalizedIdentifier } from '../identity/identifier-normalizer';
import { requireKnownType } from '../identity/known-identifier-type';
import { recordKey } from '../kernel/identifier-type';
import { BadUserInputError } from '../shared/errors';
import type { CustomerRefInput } from './stewardship.type';

/** An identifier named from outside, normalised as ingestion normalises it; one ingestion would drop is bad input. */
export function normalizedIdentifier(type: string, value: string, normalizer: IdentifierNormalizer, argument: string): NormalizedIdentifier {
  requireKnownType(normalizer.types, type, `${argument}.type`);
  const normalized = normalizer.normalize(type, value);
  if (!normalized.ok) {
    throw new BadUserInputError(`${argument} is not a usable ${type} (${normalized.dropped.reason.toLowerCase()})`, { argument, reason: normalized.dropped.reason });
  }
  return normalized.identifier;
}

/** A reference as looked up: a customer id, or the key of an identifier or a source record. */
export type ReferenceKey = { index: number; customerId: string | null; key: string | null };

/**
 * The key each reference is looked up by, normalised as ingestion normalises what it keys (an identifier's value,
 * a record's source): a reference names a customer exactly one way, and one that cannot name anyone is bad input.
 */
export function referenceKey(ref: CustomerRefInput, index: number, normalizer: IdentifierNormalizer, argument: string): ReferenceKey {
  const ways = [ref.customerId, ref.identifier, ref.record].filter((way) => way !== null && way !== undefined);
  if (ways.length !== 1) throw new BadUserInputError(`${argument} names a customer exactly one way: customerId, identifier or record`, { argument });
  if (ref.customerId) return { index, customerId: ref.customerId, key: null };
  if (ref.identifier) return { index, customerId: null, key: normalizedIdentifier(ref.identifier.type, ref.identifier.value, normalizer, `${argument}.identifier`).key };
  const source = ref.record!.source.trim().toLowerCase();
  const externalId = ref.record!.externalId.trim();
  if (source === '' || externalId === '') throw new BadUserInputError(`${argument}.record needs a source and an externalId`, { argument: `${argument}.record` });
  return { index, customerId: null, key: recordKey(source, externalId) };
}
