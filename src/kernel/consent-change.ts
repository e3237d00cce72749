import type { ConsentStatus } from './consent-status';

/**
 * The consent in force for (customer, purpose) changed, by setConsent, ingestion or a merge; published after the
 * transaction committed. Plain JSON (times as ISO strings) so it can cross process boundaries later.
 */
export type ConsentChange = {
  customerId: string;
  purpose: string;
  status: ConsentStatus;
  /** null when the customer had said nothing about the purpose before. */
  previousStatus: ConsentStatus | null;
  /** When the statement now in force was made, and where it came from. */
  occurredAt: string;
  source: string;
};
