import { createHash } from 'node:crypto';
import type { IngestedKind } from '../kernel/cause-kind';
import type { ConsentPurposes } from '../kernel/consent-purposes';
import type { DeadLetterRepository } from '../dead-letters/dead-letter.repository';
import type { DroppedIdentifier, IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { ResolutionService } from '../identity/resolution.service';
import type { UnitResult, WorkUnit } from '../identity/work-unit';
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
import type { UnitOfWork } from '../writes/unit-of-work';

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

/** An item that passed validation: resolved in the transaction, unless an erased person's identifiers suppress it. */
type Accepted = { index: number; unit: WorkUnit };
/** An item refused before resolution: it becomes a dead letter, unless it names an erased person. */
type Refused = { index: number; rejection: Rejection; messageId: string | null; source: string | null; payload: string; raw: unknown };

type Path = {
  normalize(raw: RawEvent | RawSourceRecord, now: Date): WorkUnit;
  /** What a dead letter shows of a payload that could not be normalised. */
  describe(raw: RawEvent | RawSourceRecord): { messageId: string | null; source: string | null };
};

export type IngestionDeps = {
  writes: UnitOfWork;
  resolution: ResolutionService;
  deadLetters: DeadLetterRepository;
  suppression: SuppressionFilter;
  normalizer: IdentifierNormalizer;
  purposes: ConsentPurposes;
  batchLimit: BatchLimit;
  guard: PayloadGuard;
  metrics: Metrics;
  clock?: () => Date;
};

/** Batch ingestion of events and source records: validation per item, resolution and dead letters in one transaction. */
export class IngestionService {
  private readonly clock: () => Date;

  constructor(private readonly deps: IngestionDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Items the Segment-spec endpoint refused for their shape come as RefusedItem: they are dead-lettered as such. */
  ingestEvents(events: (RawEvent | RefusedItem)[], writer: IngestWriter = TRUSTED_SOURCE): Promise<IngestResult[]> {
    return this.ingest('EVENT', events, writer);
  }

  upsertSourceRecords(records: RawSourceRecord[], writer: IngestWriter = TRUSTED_SOURCE): Promise<IngestResult[]> {
    return this.ingest('RECORD', records, writer);
  }

  /** Re-runs a dead letter's payload (or a corrected one) through the same path; success resolves the letter. */
  async resubmit(kind: IngestedKind, deadLetterId: string, payload: RawEvent | RawSourceRecord, writer: IngestWriter = TRUSTED_SOURCE): Promise<IngestResult> {
    const [result] = await this.ingest(kind, [payload], writer, deadLetterId);
    return result;
  }

  private readonly paths: Record<IngestedKind, Path> = {
    EVENT: {
      normalize: (raw, now) => normalizeEvent(raw as RawEvent, this.deps.normalizer, now, this.deps.purposes),
      describe: (raw) => ({ messageId: lenientText((raw as RawEvent).messageId), source: lenientText(raw.source)?.toLowerCase() ?? null }),
    },
    RECORD: {
      normalize: (raw, now) => normalizeRecord(raw as RawSourceRecord, this.deps.normalizer, now, this.deps.purposes),
      describe: (raw) => ({ messageId: rejectedRecordVersion(raw as RawSourceRecord), source: lenientText(raw.source)?.toLowerCase() ?? null }),
    },
  };

  private async ingest(
    kind: IngestedKind,
    raws: (RawEvent | RawSourceRecord | RefusedItem)[],
    writer: IngestWriter,
    resubmittedLetterId?: string,
  ): Promise<IngestResult[]> {
    const { writes, resolution, deadLetters, suppression, batchLimit } = this.deps;
    if (raws.length === 0) return [];
    const tooMany = batchLimit.refusal(raws.length);
    if (tooMany) throw new BadUserInputError(tooMany, { maxBatch: batchLimit.max });
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
    const accepted: Accepted[] = [];
    const refused: Refused[] = [];
    raws.forEach((raw, index) => {
      const item = this.prepare(kind, raw, now);
      if ('unit' in item) accepted.push({ index, unit: item.unit });
      else refused.push({ index, ...item });
    });
    // A message rejected again is the same letter: known by its messageId, else by its whole payload. The empty line
    // before a payload keeps the two apart (a messageId is trimmed, so never starts with one).
    const letterId = (item: Refused) =>
      resubmittedLetterId ??
      createHash('sha256')
        .update(item.messageId !== null ? `${kind}\n${item.messageId}` : `${kind}\n\n${item.payload}`)
        .digest('hex')
        .slice(0, 32);

    const { screening, resolvedOf } = await writes.run(async (tx, effects) => {
      // Inside the transaction, so a retried batch screens again against suppressions committed meanwhile.
      const screening = await suppression.screen(tx, accepted.map((a) => a.unit), refused.map((r) => r.raw));
      const kept = screening.units.filter((s) => !s.suppressed);
      const resolved = await resolution.resolveIn(tx, kept.map((s) => s.unit), effects);
      const stamp = this.clock().toISOString();
      const letters = refused.filter((_, i) => !screening.rejectedSuppressed[i]);
      await deadLetters.record(
        tx,
        letters.map((r) => ({ id: letterId(r), kind, messageId: r.messageId, source: r.source, code: r.rejection.code, message: r.rejection.message, payload: r.payload })),
        stamp,
      );
      if (resubmittedLetterId && resolved.length === 1 && resolved[0].customerId !== null) {
        await deadLetters.resolve(tx, [{ id: resubmittedLetterId, customerId: resolved[0].customerId }], stamp);
      }
      return { screening, resolvedOf: new Map(kept.map((screened, i) => [screened, resolved[i]])) };
    });

    // Every item answers in its own slot: accepted ones as screened and resolved, refused ones as letters.
    const results = new Array<IngestResult>(raws.length);
    accepted.forEach(({ index }, i) => {
      const screened = screening.units[i];
      const resolved = resolvedOf.get(screened); // none when suppressed
      results[index] = {
        index,
        messageId: screened.unit.messageId,
        customerId: resolved?.customerId ?? null,
        outcome: resolved?.outcome ?? 'SUPPRESSED',
        error: null,
        conflicts: resolved?.conflicts ?? [],
        droppedIdentifiers: screened.unit.dropped,
        deadLetterId: null,
      };
    });
    refused.forEach((item, i) => {
      const suppressed = screening.rejectedSuppressed[i];
      results[item.index] = {
        index: item.index,
        messageId: item.messageId,
        customerId: null,
        outcome: suppressed ? 'SUPPRESSED' : 'REJECTED',
        error: suppressed ? null : item.rejection,
        conflicts: [],
        droppedIdentifiers: [],
        deadLetterId: suppressed ? null : letterId(item),
      };
    });
    this.count(kind, results);
    return results;
  }

  /** An item as normalised for resolution, or why it was refused (with what its dead letter keeps of it). */
  private prepare(kind: IngestedKind, raw: RawEvent | RawSourceRecord | RefusedItem, now: Date): { unit: WorkUnit } | Omit<Refused, 'index'> {
    const { normalize, describe } = this.paths[kind];
    const admitted = this.deps.guard.admit(raw);
    if (admitted instanceof RefusedItem) {
      const { rejection, summary } = admitted;
      return { rejection, ...describe(summary as RawEvent | RawSourceRecord), payload: JSON.stringify(summary), raw: summary };
    }
    try {
      if (admitted.textFault) reject('INVALID_TEXT', admitted.textFault);
      return { unit: normalize(raw as RawEvent | RawSourceRecord, now) };
    } catch (error) {
      if (!(error instanceof RejectedInput)) throw error;
      const { messageId, source } = describe(raw as RawEvent | RawSourceRecord);
      return { rejection: { code: error.code, message: error.message }, messageId, source, payload: admitted.json, raw };
    }
  }

  private count(kind: IngestedKind, results: IngestResult[]) {
    for (const result of results) {
      this.deps.metrics.ingested.inc({ kind, outcome: result.outcome });
      if (result.outcome === 'SUPPRESSED') this.deps.metrics.suppressed.inc({ kind });
      if (result.outcome === 'DUPLICATE') continue;
      for (const dropped of result.droppedIdentifiers) this.deps.metrics.identifiersDropped.inc(dropped);
    }
  }
}
