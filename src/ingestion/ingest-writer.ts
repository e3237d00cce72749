import type { Principal } from '../auth/principal';
import { RECORD_CONSENT } from '../policy/access-rules';

/**
 * Who is writing. A caller that may not record consent (a token without consent:write, or bound to a purpose) has
 * a batch carrying consent statements refused whole, before anything is written.
 */
export type IngestWriter = Readonly<{ mayRecordConsent: boolean }>;

/** The stream worker and /v1 write for sources an operator gave a write key to; those may carry consent. */
export const TRUSTED_SOURCE: IngestWriter = Object.freeze({ mayRecordConsent: true });

/** A token may put consent statements in what it ingests only where it may record consent at all (setConsent's rule). */
export const writerOf = (principal: Principal): IngestWriter => ({ mayRecordConsent: RECORD_CONSENT.check(principal) === true });
