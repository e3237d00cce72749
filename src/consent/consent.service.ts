import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { RetryableConflict } from '../infra/neo4j/database';
import { MAX_CLOCK_SKEW_MS } from '../ingestion/payload-fields';
import { BadUserInputError, NotFoundError } from '../shared/errors';
import { textFault } from '../shared/well-formed-text';
import { consentChanges } from './consent-changes';
import { purposeOf, type ConsentPurposes } from '../kernel/consent-purposes';
import type { ConsentRepository, ConsentStatementRow } from './consent.repository';
import type { ConsentStatus } from '../kernel/consent-status';
import type { UnitOfWork } from '../writes/unit-of-work';

export type SetConsentInput = {
  customerId: string;
  purpose: string;
  status: ConsentStatus;
  source: string;
  occurredAt: Date;
  /** Who recorded it (the token's subject), kept as the statement's cause. */
  recordedBy: string;
};

export type SetConsentResult = {
  /** The customer it applies to: the survivor when an absorbed id was given. */
  customerId: string;
  statement: ConsentStatementRow;
  current: ConsentStatementRow;
  /** The same statement was recorded before (a retry): nothing changed. */
  duplicate: boolean;
};

/**
 * A retry must not add a second statement, and a client cannot be relied on to send its own key, so the
 * statement itself is the key: who (as asked), what, which answer, where from, when said. The source is the only
 * part of free text (an existing customer's id, a purpose name, a status and an ISO time around it), so joining the
 * parts cannot make two statements one.
 */
const idempotencyKey = (input: SetConsentInput, purpose: string, source: string) =>
  createHash('sha256')
    .update(['API', input.customerId, purpose, input.status, source, input.occurredAt.toISOString()].join('\n'))
    .digest('hex');

/** Consent statements made through the API, held to the same rules as those that come with events and records. */
export class ConsentService {
  constructor(
    private readonly writes: UnitOfWork,
    private readonly repository: ConsentRepository,
    private readonly purposes: ConsentPurposes,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async setConsent(input: SetConsentInput): Promise<SetConsentResult> {
    const purpose = purposeOf(input.purpose);
    if (!this.purposes.has(purpose)) {
      throw new BadUserInputError(`"${input.purpose}" is not a consent purpose; use one of ${this.purposes.list.join(', ')}`, {
        argument: 'purpose',
        purposes: this.purposes.list,
      });
    }
    const source = input.source.trim().toLowerCase();
    if (source === '' || source.length > 64) throw new BadUserInputError('source must be 1 to 64 characters', { argument: 'source' });
    const fault = textFault(source);
    if (fault) throw new BadUserInputError(`source ${fault}`, { argument: 'source' });
    const now = this.clock();
    if (input.occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      // The same rule as ingestion: a time far ahead would stay the newest statement forever.
      throw new BadUserInputError('occurredAt is more than a day in the future', { argument: 'occurredAt' });
    }

    const stamp = now.toISOString();
    const result = await this.writes.run(async (tx, effects) => {
      const target = await this.repository.lockCustomer(tx, input.customerId, stamp);
      if (!target) throw new NotFoundError(`No customer ${input.customerId}`, { argument: 'customerId' });
      // Merged away between the lookup and the lock: run again against the survivor.
      if (target.status !== 'ACTIVE') throw new RetryableConflict(`customer ${target.customerId} was merged meanwhile`);
      const before = await this.repository.current(tx, [target.customerId]);
      const { created, statement } = await this.repository.record(
        tx,
        {
          key: idempotencyKey(input, purpose, source),
          id: uuidv7(),
          customerId: target.customerId,
          purpose,
          status: input.status,
          source,
          occurredAt: input.occurredAt.toISOString(),
          cause: `setConsent by ${input.recordedBy}`,
          givenFor: input.customerId,
        },
        stamp,
      );
      const after = created ? await this.repository.current(tx, [target.customerId]) : before;
      // A repeated statement changed nothing: nothing to re-evaluate or publish.
      if (created) {
        effects.customersChanged([{ customerId: target.customerId, change: 'UPDATED', mergedInto: null }]);
        effects.consentsChanged(consentChanges(before, after).filter((c) => c.purpose === purpose));
        effects.touched([{ customerId: target.customerId, reads: new Set([`consent:${purpose}`]) }]);
      }
      return { customerId: target.customerId, statement, created, after };
    });

    return {
      customerId: result.customerId,
      statement: result.statement,
      current: result.after.get(result.customerId)!.get(purpose)!,
      duplicate: !result.created,
    };
  }
}
