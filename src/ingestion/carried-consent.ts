import type { IngestedKind } from '../kernel/cause-kind';
import type { RawEvent } from './event-normalizer';
import { isObject } from './payload-fields';
import type { RawSourceRecord } from './record-normalizer';

/**
 * Whether an item says anything about consent, valid or not (events in `context.consent`, records in `consents`):
 * judged on the raw item, so a statement cannot slip through in an item that is rejected now and resubmitted later.
 */
export function carriesConsent(kind: IngestedKind, raw: RawEvent | RawSourceRecord): boolean {
  if (!isObject(raw)) return false;
  if (kind === 'EVENT') {
    const context = (raw as RawEvent).context;
    return isObject(context) && context.consent !== undefined && context.consent !== null;
  }
  const consents = (raw as RawSourceRecord).consents;
  return Array.isArray(consents) ? consents.length > 0 : consents !== undefined && consents !== null;
}
