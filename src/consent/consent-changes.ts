import type { ConsentChange } from '../kernel/consent-change';
import type { CurrentConsents } from './consent.repository';

/** Each (customer, purpose) whose status in force differs after a write from before it. */
export function consentChanges(before: CurrentConsents, after: CurrentConsents): ConsentChange[] {
  const changes: ConsentChange[] = [];
  for (const [customerId, purposes] of after) {
    for (const [purpose, current] of purposes) {
      const previous = before.get(customerId)?.get(purpose) ?? null;
      if (previous?.status === current.status) continue;
      changes.push({
        customerId,
        purpose,
        status: current.status,
        previousStatus: previous?.status ?? null,
        occurredAt: current.occurredAt.toISOString(),
        source: current.source,
      });
    }
  }
  return changes;
}
