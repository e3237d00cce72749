import { decodeEvidence, encodeEvidence, withoutIdentifiers } from '../identity/evidence';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database, Tx } from '../infra/neo4j/database';
import { recordKey } from '../kernel/identifier-type';
import { toErasureRequest, type ErasureCounts, type ErasureRequestRow, type ErasureStatus } from './erasure-request';

/** Each batch step deletes at most `limit` nodes of one kind and says how many; the service repeats it until 0. */
export const ERASE_STEPS = {
  identifiers: 'privacy/erase-identifiers',
  sourceRecords: 'privacy/erase-source-records',
  consents: 'privacy/erase-consents',
  merges: 'privacy/erase-merges',
  conflicts: 'privacy/erase-conflicts',
  ingestions: 'privacy/erase-ingestions',
  behaviour: 'privacy/erase-behaviour',
  deadLetters: 'privacy/erase-resolved-dead-letters',
  customers: 'privacy/erase-customers',
} as const;
export type EraseStep = keyof typeof ERASE_STEPS;

export type PersonKey = { key: string; type: string | null; value: string };
export type DeadLetterPayload = { id: string; sortKey: string; payload: string };

/**
 * Which instance runs a request: the holder of its lease, renewed with every batch. Another instance takes a request
 * over only once its lease has lapsed, so two instances never run the same erasure while both are alive.
 */
export type ErasureLease = { holder: string; seconds: number };

export class ErasureRepository {
  private readonly q;
  private readonly steps: Record<EraseStep, string>;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    private readonly lease: ErasureLease,
  ) {
    this.q = registry.bind({
      byId: 'privacy/erasure-by-id',
      forCustomer: 'privacy/erasure-for-customer',
      create: 'privacy/erasure-create',
      pending: 'privacy/erasure-pending',
      requeue: 'privacy/erasure-requeue',
      start: 'privacy/erasure-start',
      finish: 'privacy/erasure-finish',
      addCounts: 'privacy/erasure-add-counts',
      keys: 'privacy/erasure-keys',
      redactConflicts: 'privacy/redact-conflicts',
      evidenceNaming: 'privacy/evidence-naming',
      redactEvidence: 'privacy/redact-evidence',
      deviceLinks: 'privacy/erase-device-links',
      deadLetterPayloads: 'privacy/dead-letter-payloads',
      eraseDeadLetters: 'privacy/erase-dead-letters',
    });
    this.steps = registry.bind(ERASE_STEPS);
  }

  async byId(id: string): Promise<ErasureRequestRow | null> {
    const [row] = await this.db.read<{ request: Record<string, unknown> }>(this.q.byId, { id });
    return row ? toErasureRequest(row.request) : null;
  }

  async forCustomer(tx: Tx | null, id: string): Promise<ErasureRequestRow | null> {
    const [row] = tx
      ? await tx.rows<{ request: Record<string, unknown> }>(this.q.forCustomer, { id })
      : await this.db.read<{ request: Record<string, unknown> }>(this.q.forCustomer, { id });
    return row ? toErasureRequest(row.request) : null;
  }

  /** Null when there is no such customer. */
  /** `leaseSeconds: 0` leaves the request to whichever instance resumes it first (a crash right after accepting). */
  async create(
    tx: Tx,
    request: { id: string; customerId: string; reason: string },
    now: string,
    leaseSeconds = this.lease.seconds,
  ): Promise<ErasureRequestRow | null> {
    const [row] = await tx.rows<{ request: Record<string, unknown> }>(this.q.create, { ...request, now, holder: this.lease.holder, leaseSeconds });
    return row ? toErasureRequest(row.request) : null;
  }

  async requeue(tx: Tx, id: string): Promise<ErasureRequestRow | null> {
    const [row] = await tx.rows<{ request: Record<string, unknown> }>(this.q.requeue, { id, holder: this.lease.holder, leaseSeconds: this.lease.seconds });
    return row ? toErasureRequest(row.request) : null;
  }

  async pending(): Promise<string[]> {
    return (await this.db.read<{ id: string }>(this.q.pending)).map((row) => row.id);
  }

  /** Null when the request is already finished (another run, or another instance, got there first). */
  async start(id: string, now: string): Promise<ErasureRequestRow | null> {
    const [row] = await this.db.write((tx) =>
      tx.rows<{ request: Record<string, unknown> }>(this.q.start, { id, now, holder: this.lease.holder, leaseSeconds: this.lease.seconds }),
    );
    return row ? toErasureRequest(row.request) : null;
  }

  async finish(id: string, status: ErasureStatus, error: string | null, now: string): Promise<void> {
    await this.db.write((tx) => tx.rows(this.q.finish, { id, status, error, now, holder: this.lease.holder }));
  }

  /** A record's key is made again from its parts: the one suppressed is today's, whatever form the stored one is in. */
  async keys(profileIds: string[]): Promise<PersonKey[]> {
    const rows = await this.db.read<PersonKey & { source: string | null }>(this.q.keys, { profileIds });
    return rows.map(({ source, ...key }) => (source === null ? key : { ...key, key: recordKey(source, key.value) }));
  }

  /** In the batch's own transaction, so the counts survive a crash exactly; renews the lease too. */
  async addCounts(tx: Tx, id: string, counts: Partial<ErasureCounts>): Promise<void> {
    await tx.rows(this.q.addCounts, { id, counts, leaseSeconds: this.lease.seconds });
  }

  async eraseBatch(tx: Tx, step: EraseStep, profileIds: string[], limit: number): Promise<number> {
    const [row] = await tx.rows<{ removed: number }>(this.steps[step], { profileIds, limit });
    return row?.removed ?? 0;
  }

  async eraseDeviceLinks(tx: Tx, profileIds: string[], limit: number): Promise<{ unlinked: number; devicesRemoved: number }> {
    const [row] = await tx.rows<{ unlinked: number; devicesRemoved: number }>(this.q.deviceLinks, { profileIds, limit });
    return row ?? { unlinked: 0, devicesRemoved: 0 };
  }

  async redactConflicts(tx: Tx, profileIds: string[], identifiers: { type: string; value: string }[]): Promise<number> {
    const [row] = await tx.rows<{ redacted: number }>(this.q.redactConflicts, { profileIds, identifiers });
    return row?.redacted ?? 0;
  }

  /** Rewrites the evidence of other customers' items that carried the person's identifiers, without them; see evidence-naming.cypher. */
  async redactEvidence(tx: Tx, profileIds: string[], identifiers: { key: string; type: string; value: string }[]): Promise<number> {
    if (identifiers.length === 0) return 0;
    const needles = [...new Set(identifiers.map((i) => JSON.stringify(i.value).slice(1, -1)))];
    const rows = await tx.rows<{ key: string; evidence: string }>(this.q.evidenceNaming, {
      profileIds,
      identifiers: identifiers.map(({ type, value }) => ({ type, value })),
      needles,
    });
    const rewritten = rows.map((row) => ({ key: row.key, evidence: encodeEvidence(withoutIdentifiers(decodeEvidence(row.evidence), identifiers)) }));
    if (rewritten.length > 0) await tx.rows(this.q.redactEvidence, { rows: rewritten });
    return rewritten.length;
  }

  async deadLetterPayloads(after: string, limit: number): Promise<DeadLetterPayload[]> {
    return this.db.read<DeadLetterPayload>(this.q.deadLetterPayloads, { after, limit });
  }

  async eraseDeadLetters(tx: Tx, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const [row] = await tx.rows<{ removed: number }>(this.q.eraseDeadLetters, { ids });
    return row?.removed ?? 0;
  }
}
