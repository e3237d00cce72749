import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database, Reader, Tx } from '../infra/neo4j/database';

export type MatchCandidateStatus = 'OPEN' | 'MERGED' | 'KEPT_APART';
export type DecisionKind = 'MERGE' | 'KEEP_APART' | 'UNMERGE' | 'RETIRE';

/** A pair scored between the review and merge thresholds, as the queue shows it. */
export type MatchCandidateRow = {
  id: string;
  status: MatchCandidateStatus;
  probability: number;
  weight: number;
  /** JSON: the comparisons' contributions. */
  contributions: string;
  modelVersion: number | null;
  causeKind: string;
  cause: string;
  createdAt: number;
  updatedAt: number;
  decisionId: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  note: string | null;
  /** The active customers the two sides are part of today. */
  customerIds: string[];
};

export type DecisionRow = {
  id: string;
  kind: DecisionKind;
  at: number;
  actor: string;
  note: string;
  customerIds: string[];
  /** The customer the decision left them on (the survivor of a merge, the first of two kept apart). */
  customerId: string;
  matchCandidateId: string | null;
};

/** A recorded merge: when, the profiles it joined, whether it was undone, whether an erasure is under way for them. */
export type LockedMerge = { atMs: number; undoneBy: string | null; survivorId: string; absorbedIds: string[]; erasing: boolean };

/** What a decision names, as it is now: `activeId` null when there is no such customer. */
export type NamedCustomer = { id: string; activeId: string | null; erasing: boolean };

/** The review queue and the record of steward decisions. */
export class StewardshipRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      candidatesPage: 'stewardship/match-candidates-page',
      candidate: 'stewardship/match-candidate-by-id',
      lockCandidate: 'stewardship/lock-match-candidate',
      closeCandidate: 'stewardship/close-match-candidate',
      decisionCustomers: 'stewardship/decision-customers',
      recordDecision: 'stewardship/record-decision',
      decisionsPage: 'stewardship/decisions-page',
      lockMerge: 'stewardship/lock-merge',
      resolveReferences: 'stewardship/resolve-references',
    });
  }

  async candidates(status: MatchCandidateStatus, after: string | null, limit: number): Promise<MatchCandidateRow[]> {
    const rows = await this.db.read<{ candidate: Omit<MatchCandidateRow, 'customerIds'>; customerIds: string[] }>(this.q.candidatesPage, {
      status,
      after: after ?? '',
      limit,
    });
    return rows.map((row) => ({ ...row.candidate, customerIds: row.customerIds }));
  }

  async candidate(id: string): Promise<MatchCandidateRow | null> {
    const [row] = await this.db.read<{ candidate: Omit<MatchCandidateRow, 'customerIds'>; customerIds: string[] }>(this.q.candidate, { id });
    return row ? { ...row.candidate, customerIds: row.customerIds } : null;
  }

  async decisions(after: string | null, limit: number): Promise<DecisionRow[]> {
    const rows = await this.db.read<{ decision: DecisionRow }>(this.q.decisionsPage, { after: after ?? '', limit });
    return rows.map((row) => row.decision);
  }

  /** The candidate, write-locked; null when there is none. */
  async lockCandidate(tx: Tx, id: string): Promise<{ status: MatchCandidateStatus; customerIds: string[] } | null> {
    const [row] = await tx.rows<{ status: MatchCandidateStatus; customerIds: string[] }>(this.q.lockCandidate, { id });
    return row ?? null;
  }

  async closeCandidate(tx: Tx, close: { id: string; status: MatchCandidateStatus; decisionId: string; actor: string; note: string; now: string }) {
    await tx.rows(this.q.closeCandidate, close);
  }

  /** The customer each reference names now (null: none); `key`: an identifier's or a source record's key. */
  async resolveReferences(refs: { index: number; customerId: string | null; key: string | null }[], reader: Reader = { rows: (q, p) => this.db.read(q, p) }): Promise<(string | null)[]> {
    const rows = await reader.rows<{ index: number; customerId: string | null }>(this.q.resolveReferences, { refs });
    const found = new Map(rows.map((row) => [row.index, row.customerId]));
    return refs.map((ref) => found.get(ref.index) ?? null);
  }

  /** The merge, write-locked; null when there is none. */
  async lockMerge(tx: Tx, id: string): Promise<LockedMerge | null> {
    const [row] = await tx.rows<LockedMerge>(this.q.lockMerge, { id });
    return row ?? null;
  }

  async namedCustomers(tx: Tx, ids: string[]): Promise<NamedCustomer[]> {
    return tx.rows<NamedCustomer>(this.q.decisionCustomers, { ids });
  }

  async recordDecision(tx: Tx, decision: Omit<DecisionRow, 'at'>, now: string): Promise<void> {
    await tx.rows(this.q.recordDecision, { ...decision, now });
  }
}
