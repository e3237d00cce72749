import { createHash } from 'node:crypto';
import type { CauseKind } from '../kernel/cause-kind';
import type { ConsentPurposes } from '../kernel/consent-purposes';
import type { DeadLetterRepository } from '../dead-letters/dead-letter.repository';
import type { DroppedIdentifier, IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { ResolutionService } from '../identity/resolution.service';
import type { UnitResult, WorkUnit } from '../identity/work-unit';
import type { Database } from '../infra/neo4j/database';
import type { ChangePublisher } from '../changes/change-publisher';
import type { Metrics } from '../observability/metrics';
import { BadUserInputError, ForbiddenError } from '../shared/errors';
import { carriesConsent } from './carried-consent';
import { TRUSTED_SOURCE, type IngestWriter } from './ingest-writer';
import { normalizeEvent, type RawEvent } from './event-normalizer';
import { lenientText } from './payload-fields';
import { normalizeRecord, rejectedRecordVersion, type RawSourceRecord } from './record-normalizer';
import type { BatchLimit } from './batch-limit';
import { RefusedItem, type PayloadGuard } from './payload-guard';
import { reject, RejectedInput, type Rejection } from './rejection';
import type { SuppressionFilter } from '../privacy/suppression-filter';
import type { SegmentEvaluator } from '../segments/segment-evaluator';

export type IngestOutcome = UnitResult['outcome'] | 'REJECTED' | 'SUPPRESSED';

export type IngestResult = {
  index: number;
  messageId: string | null;
  customerId: string | null;
  outcome: IngestOutcome;
  error: Rejection | null;
  conflicts: UnitResult['conflicts'];
  droppedIdentifiers: DroppedIdentifier[];
  deadLetterId: string | null;
};

type Prepared =
  | { ok: true; unit: WorkUnit }
  | { ok: false; rejection: Rejection; messageId: string | null; source: string | null; payload: string; raw: unknown };

type Path = {
  normalize(raw: RawEvent | RawSourceRecord, now: Date): WorkUnit;
  /** What a dead letter shows of a payload that could not be normalised. */
  describe(raw: RawEvent | RawSourceRecord): { messageId: string | null; source: string | null };
};


/** Batch ingestion of events and source records: validation per item, resolution and dead letters in one transaction. */
export class IngestionService {
  constructor(
    private readonly db: Database,
    private readonly resolution: ResolutionService,
    private readonly deadLetters: DeadLetterRepository,
    private readonly normalizer: IdentifierNormalizer,
    private readonly metrics: Metrics,
    private readonly changes: ChangePublisher,
    private readonly suppression: SuppressionFilter,
    private readonly purposes: ConsentPurposes,
    private readonly batchLimit: BatchLimit,
    private readonly guard: PayloadGuard,
    private readonly segments: SegmentEvaluator,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Items the Segment-spec endpoint refused for their shape come as RefusedItem: they are dead-lettered as such. */
  ingestEvents(events: (RawEvent | RefusedItem)[], writer: IngestWriter = TRUSTED_SOURCE): Promise<IngestResult[]> {
    return this.ingest('EVENT', events, writer);
  }

  upsertSourceRecords(records: RawSourceRecord[], writer: IngestWriter = TRUSTED_SOURCE): Promise<IngestResult[]> {
    return this.ingest('RECORD', records, writer);
  }

  /** Re-runs a dead letter's payload (or a corrected one) through the same path; success resolves the letter. */
  async resubmit(kind: CauseKind, deadLetterId: string, payload: RawEvent | RawSourceRecord, writer: IngestWriter = TRUSTED_SOURCE): Promise<IngestResult> {
    const [result] = await this.ingest(kind, [payload], writer, deadLetterId);
    return result;
  }

  private readonly paths: Record<CauseKind, Path> = {
    EVENT: {
      normalize: (raw, now) => normalizeEvent(raw as RawEvent, this.normalizer, now, this.purposes),
      describe: (raw) => ({ messageId: lenientText((raw as RawEvent).messageId), source: lenientText(raw.source)?.toLowerCase() ?? null }),
    },
    RECORD: {
      normalize: (raw, now) => normalizeRecord(raw as RawSourceRecord, this.normalizer, now, this.purposes),
      describe: (raw) => ({ messageId: rejectedRecordVersion(raw as RawSourceRecord), source: lenientText(raw.source)?.toLowerCase() ?? null }),
    },
  };

  private async ingest(
    kind: CauseKind,
    raws: (RawEvent | RawSourceRecord | RefusedItem)[],
    writer: IngestWriter,
    resubmittedLetterId?: string,
  ): Promise<IngestResult[]> {
    const { normalize, describe } = this.paths[kind];
    if (raws.length === 0) return [];
    const tooMany = this.batchLimit.refusal(raws.length);
    if (tooMany) throw new BadUserInputError(tooMany, { maxBatch: this.batchLimit.max });
    if (!writer.mayRecordConsent) {
      const carrying = raws.flatMap((raw, index) => (!(raw instanceof RefusedItem) && carriesConsent(kind, raw) ? [index] : []));
      if (carrying.length > 0) {
        throw new ForbiddenError('consent statements need the consent:write scope and a token not bound to a purpose; nothing was written', {
          reason: 'CONSENT_NOT_PERMITTED',
          items: carrying,
        });
      }
    }
    const now = this.clock();
    const prepared: Prepared[] = raws.map((raw) => {
      const admitted = this.guard.admit(raw);
      if (admitted instanceof RefusedItem) {
        const { rejection, summary } = admitted;
        return { ok: false, rejection, ...describe(summary as RawEvent | RawSourceRecord), payload: JSON.stringify(summary), raw: summary };
      }
      try {
        if (admitted.textFault) reject('INVALID_TEXT', admitted.textFault);
        return { ok: true, unit: normalize(raw as RawEvent | RawSourceRecord, now) };
      } catch (error) {
        if (!(error instanceof RejectedInput)) throw error;
        const { messageId, source } = describe(raw as RawEvent | RawSourceRecord);
        return { ok: false, rejection: { code: error.code, message: error.message }, messageId, source, payload: admitted.json, raw };
      }
    });
    // A message rejected again is the same letter: known by its messageId, else by its whole payload. The empty line
    // before a payload keeps the two apart (a messageId is trimmed, so never starts with one).
    const letterId = (p: Extract<Prepared, { ok: false }>) =>
      resubmittedLetterId ??
      createHash('sha256')
        .update(p.messageId !== null ? `${kind}\n${p.messageId}` : `${kind}\n\n${p.payload}`)
        .digest('hex')
        .slice(0, 32);

    const accepted = prepared.flatMap((p) => (p.ok ? [p.unit] : []));
    const rejected = prepared.flatMap((p) => (p.ok ? [] : [p]));
    const { results: unitResults, changed, consentChanged, screening, memberships } = await this.db.write(async (tx) => {
      // Inside the transaction, so a retried batch screens again against suppressions committed meanwhile.
      const screening = await this.suppression.screen(tx, accepted, rejected.map((p) => p.raw));
      const kept = screening.units.flatMap((s) => (s.suppressed ? [] : [s.unit]));
      const resolved = await this.resolution.resolveIn(tx, kept);
      const results = resolved.results;
      const stamp = this.clock().toISOString();
      await this.deadLetters.record(
        tx,
        rejected.flatMap((p, i) =>
          screening.rejectedSuppressed[i]
            ? []
            : [{ id: letterId(p), kind, messageId: p.messageId, source: p.source, code: p.rejection.code, message: p.rejection.message, payload: p.payload }],
        ),
        stamp,
      );
      if (resubmittedLetterId && results.length === 1) {
        await this.deadLetters.resolve(tx, [{ id: resubmittedLetterId, customerId: results[0].customerId }], stamp);
      }
      // In the same transaction: a membership is never out of step with the data it was decided on.
      const memberships = await this.changes.oweMemberships(tx, await this.segments.evaluateIn(tx, resolved.touches));
      return { ...resolved, screening, memberships };
    });
    // Only after commit: a listener must never hear of a change that was rolled back.
    this.changes.publish(changed);
    this.changes.publishConsent(consentChanged);
    await this.changes.publishMemberships(memberships);

    let nextAccepted = 0;
    let nextResolved = 0;
    let nextRejected = 0;
    const results = prepared.map((p, index): IngestResult => {
      if (!p.ok && screening.rejectedSuppressed[nextRejected++]) {
        return { index, messageId: p.messageId, customerId: null, outcome: 'SUPPRESSED', error: null, conflicts: [], droppedIdentifiers: [], deadLetterId: null };
      }
      if (!p.ok) {
        return {
          index,
          messageId: p.messageId,
          customerId: null,
          outcome: 'REJECTED',
          error: p.rejection,
          conflicts: [],
          droppedIdentifiers: [],
          deadLetterId: letterId(p),
        };
      }
      const { unit, suppressed } = screening.units[nextAccepted++];
      const result = suppressed ? null : unitResults[nextResolved++];
      return {
        index,
        messageId: unit.messageId,
        customerId: result?.customerId ?? null,
        outcome: result?.outcome ?? 'SUPPRESSED',
        error: null,
        conflicts: result?.conflicts ?? [],
        droppedIdentifiers: unit.dropped,
        deadLetterId: null,
      };
    });
    this.count(kind, results);
    return results;
  }

  private count(kind: CauseKind, results: IngestResult[]) {
    for (const result of results) {
      this.metrics.ingested.inc({ kind, outcome: result.outcome });
      if (result.outcome === 'SUPPRESSED') this.metrics.suppressed.inc({ kind });
      if (result.outcome === 'DUPLICATE') continue;
      for (const dropped of result.droppedIdentifiers) this.metrics.identifiersDropped.inc(dropped);
    }
  }
}
