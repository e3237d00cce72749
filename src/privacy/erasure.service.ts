import { Neo4jError } from 'neo4j-driver';
import { v7 as uuidv7 } from 'uuid';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { Database, Tx } from '../infra/neo4j/database';
import { KeyedRuns } from '../jobs/keyed-runs';
import type { MembershipChange } from '../kernel/membership-change';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { BadUserInputError, NotFoundError } from '../shared/errors';
import { textFault } from '../shared/well-formed-text';
import type { CustomerCache } from './customer-cache';
import { DeadLetterMatcher } from './dead-letter-matcher';
import type { ErasureCounts, ErasureRequestRow } from './erasure-request';
import type { EraseStep, ErasureRepository } from './erasure.repository';
import type { SuppressionHasher } from './suppression-hasher';
import type { SuppressionRepository } from './suppression.repository';
import type { Effects } from '../writes/effects';
import type { UnitOfWork } from '../writes/unit-of-work';

export type ErasureDeps = {
  db: Database;
  /** Each erasing batch runs through it, its counts added in the same transaction. */
  writes: UnitOfWork;
  repository: ErasureRepository;
  suppressions: SuppressionRepository;
  hasher: SuppressionHasher;
  normalizer: IdentifierNormalizer;
  cache: CustomerCache;
  metrics: Metrics;
  logger: Logger;
  batchSize: number;
  /** Memberships end before the profiles go (decided by segments); each is published as EXITED once committed. */
  memberships: { leaveAll(tx: Tx, customerIds: string[]): Promise<MembershipChange[]> };
  clock?: () => Date;
};

const MAX_REASON = 500;
/** Identifiers and records go before the profiles: a run interrupted anywhere can find the rest from them. */
const BATCH_ORDER: EraseStep[] = ['identifiers', 'sourceRecords', 'consents', 'merges', 'conflicts', 'ingestions', 'behaviour', 'deadLetters'];

/** An error's kind, never its message: driver and Redis messages can quote values, and this one is shown to stewards. */
const describe = (error: unknown) =>
  error instanceof Neo4jError
    ? `database error ${error.code}`
    : error instanceof Error
      ? `${error.name}${(error as { code?: unknown }).code ? ` ${String((error as { code?: unknown }).code)}` : ''}`
      : 'unknown error';

/**
 * Right to erasure. A request is recorded (RECEIVED) and answered at once; the erasure runs in the background in
 * bounded batches (RUNNING, then COMPLETED or FAILED). Every step is idempotent, so a FAILED request asked again,
 * or a RECEIVED/RUNNING one whose lease lapsed (resumePending, a background job's tick), simply runs again from the top.
 */
export class ErasureService {
  private readonly runs = new KeyedRuns((id) => this.run(id), {
    onError: (error, id) => this.deps.logger.error({ err: error, erasureRequest: id }, 'erasure run stopped; it resumes once its lease lapses'),
  });
  private readonly clock: () => Date;

  constructor(private readonly deps: ErasureDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async request(customerId: string, reason: string): Promise<ErasureRequestRow> {
    const why = reason.trim();
    if (why.length === 0 || why.length > MAX_REASON) {
      throw new BadUserInputError(`reason must be 1 to ${MAX_REASON} characters (e.g. a ticket reference; no personal data)`, { argument: 'reason' });
    }
    const fault = textFault(why);
    if (fault) throw new BadUserInputError(`reason ${fault}`, { argument: 'reason' });
    const { repository, db } = this.deps;
    const request = await db.write(async (tx) => {
      const existing = await repository.forCustomer(tx, customerId);
      if (existing?.status === 'FAILED') return (await repository.requeue(tx, existing.id)) ?? existing;
      if (existing) return existing;
      const created = await repository.create(tx, { id: uuidv7(), customerId, reason: why }, this.clock().toISOString());
      if (!created) throw new NotFoundError(`No customer ${customerId}`, { argument: 'id' });
      return created;
    });
    if (request.status === 'RECEIVED') this.runs.start(request.id);
    return request;
  }

  /** Records a request without running it: what a crash right after accepting leaves behind (tests use it). */
  async acceptOnly(customerId: string, reason: string): Promise<ErasureRequestRow> {
    const created = await this.deps.db.write((tx) =>
      this.deps.repository.create(tx, { id: uuidv7(), customerId, reason }, this.clock().toISOString(), 0),
    );
    if (!created) throw new NotFoundError(`No customer ${customerId}`);
    return created;
  }

  byId(id: string): Promise<ErasureRequestRow | null> {
    return this.deps.repository.byId(id);
  }

  /** The request that erased this id, if any: how an export tells "erased" from "never known". */
  forCustomer(id: string): Promise<ErasureRequestRow | null> {
    return this.deps.repository.forCustomer(null, id);
  }

  /**
   * Resumes every accepted erasure whose holder stopped or died (its lease lapsed); they run in the background.
   * The resume job's tick, at start and then every ERASURE_RESUME_INTERVAL_MS, so an instance that lives on also
   * picks up a dead one's work.
   */
  async resumePending(): Promise<string[]> {
    const ids = await this.deps.repository.pending();
    for (const id of ids) this.runs.start(id);
    if (ids.length > 0) this.deps.logger.info({ erasureRequests: ids }, 'resuming unfinished erasures');
    return ids;
  }

  /** Resolves when this process's run of the request is over (at once if none is running here). */
  settled(id: string): Promise<void> {
    return this.runs.settled(id);
  }

  drain(): Promise<void> {
    return this.runs.drain();
  }

  private async run(id: string): Promise<void> {
    const { repository, logger, metrics } = this.deps;
    try {
      const request = await repository.start(id, this.clock().toISOString());
      if (!request) return;
      await this.erase(request);
      await repository.finish(id, 'COMPLETED', null, this.clock().toISOString());
      metrics.erasures.inc({ status: 'COMPLETED' });
      logger.info({ erasureRequest: id }, 'erasure completed');
    } catch (error) {
      logger.error({ err: error, erasureRequest: id }, 'erasure failed; asking for it again retries it');
      metrics.erasures.inc({ status: 'FAILED' });
      await repository.finish(id, 'FAILED', describe(error), this.clock().toISOString()).catch((finishError: unknown) =>
        // Left RUNNING: the next start resumes it, so it is still not lost.
        logger.error({ err: finishError, erasureRequest: id }, 'could not record the failed erasure'),
      );
    }
  }

  private async erase(request: ErasureRequestRow): Promise<void> {
    const { repository, suppressions, hasher, normalizer, cache, batchSize } = this.deps;
    const { id, profileIds } = request;
    const keys = await repository.keys(profileIds);
    const identifiers = keys.filter((k) => k.type !== null) as { key: string; type: string; value: string }[];

    // First, so that from here on no event or record can bring the person back while the rest is deleted.
    const hashes = [...new Set(keys.map((k) => hasher.hash(k.key)))];
    for (let i = 0; i < hashes.length; i += batchSize) {
      const slice = hashes.slice(i, i + batchSize);
      await this.counted(id, async (tx) => {
        const created = await suppressions.record(tx, slice, id, this.clock().toISOString());
        return { result: null, counts: { suppressions: created } };
      });
    }
    await this.counted(id, async (tx) => {
      // Before the conflicts lose the values and links that say whose items claimed the person's identifiers.
      await repository.redactEvidence(tx, profileIds, identifiers);
      return {
        result: null,
        counts: { conflictsRedacted: await repository.redactConflicts(tx, profileIds, identifiers.map(({ type, value }) => ({ type, value }))) },
      };
    });
    await this.eraseDeadLettersMentioning(id, new DeadLetterMatcher(normalizer, keys));

    for (const step of BATCH_ORDER) await this.repeat(id, step, profileIds);
    for (;;) {
      const { unlinked } = await this.counted(id, async (tx) => {
        const removed = await repository.eraseDeviceLinks(tx, profileIds, batchSize);
        return { result: removed, counts: { deviceLinks: removed.unlinked, devices: removed.devicesRemoved } };
      });
      if (unlinked < batchSize) break;
    }
    const cacheKeys = await cache.evict(profileIds);
    await this.counted(id, async (tx, effects) => {
      const changes = await this.deps.memberships.leaveAll(tx, profileIds);
      effects.membershipsChanged(changes);
      return { result: null, counts: { cacheKeys, segmentMemberships: changes.length } };
    });
    await this.repeat(id, 'customers', profileIds);
  }

  /** One erasing batch, written with the counts it adds to the request. */
  private counted<T>(id: string, work: (tx: Tx, effects: Effects) => Promise<{ result: T; counts: Partial<ErasureCounts> }>): Promise<T> {
    return this.deps.writes.run(async (tx, effects) => {
      const { result, counts } = await work(tx, effects);
      await this.deps.repository.addCounts(tx, id, counts);
      return result;
    });
  }

  private async repeat(id: string, step: EraseStep, profileIds: string[]) {
    const { repository, batchSize } = this.deps;
    for (;;) {
      const removed = await this.counted(id, async (tx) => {
        const n = await repository.eraseBatch(tx, step, profileIds, batchSize);
        return { result: n, counts: { [step]: n } };
      });
      if (removed < batchSize) return;
    }
  }

  /** Reads through every dead letter a page at a time: raw payloads can only be matched after normalising. */
  private async eraseDeadLettersMentioning(id: string, matcher: DeadLetterMatcher) {
    if (matcher.isEmpty) return;
    const { repository, batchSize } = this.deps;
    let after = '';
    for (;;) {
      const page = await repository.deadLetterPayloads(after, batchSize);
      const theirs = page.filter((letter) => matcher.matches(letter.payload)).map((letter) => letter.id);
      if (theirs.length > 0) {
        await this.counted(id, async (tx) => ({ result: null, counts: { deadLetters: await repository.eraseDeadLetters(tx, theirs) } }));
      }
      if (page.length < batchSize) return;
      after = page[page.length - 1].sortKey;
    }
  }
}

