import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Tx } from '../infra/neo4j/database';
import type { ConsentStatus } from '../kernel/consent-status';

/** One consent statement as stored, with the profile it was given on (provenance survives merges). */
export type ConsentStatementRow = {
  id: string;
  purpose: string;
  status: ConsentStatus;
  source: string;
  causeKind: string;
  cause: string;
  occurredAt: Date;
  recordedAt: Date;
  profileId: string;
};

/** customerId -> purpose -> the statement in force. */
export type CurrentConsents = Map<string, Map<string, ConsentStatementRow>>;

export type NewConsentStatement = {
  key: string;
  id: string;
  customerId: string;
  purpose: string;
  status: ConsentStatus;
  source: string;
  occurredAt: string;
  cause: string;
  /** The customer id the caller named (an absorbed one stands for its survivor): an unmerge gives it back to that one. */
  givenFor: string;
};

/** Consent reads and writes inside a caller's transaction, so a change and what it changed are seen together. */
export class ConsentRepository {
  private readonly q;

  constructor(registry: CypherRegistry) {
    this.q = registry.bind({
      current: 'consent/current',
      lockCustomer: 'consent/lock-customer',
      recordStatement: 'consent/record-statement',
    });
  }

  async current(tx: Tx, customerIds: string[]): Promise<CurrentConsents> {
    const result: CurrentConsents = new Map();
    if (customerIds.length === 0) return result;
    const rows = await tx.rows<{ customerId: string; purpose: string; current: ConsentStatementRow }>(this.q.current, { ids: customerIds });
    for (const row of rows) {
      const purposes = result.get(row.customerId) ?? new Map<string, ConsentStatementRow>();
      purposes.set(row.purpose, row.current);
      result.set(row.customerId, purposes);
    }
    return result;
  }

  /** The customer (the survivor, for an absorbed id) write-locked; null when no customer has that id. */
  async lockCustomer(tx: Tx, id: string, now: string): Promise<{ customerId: string; status: string } | null> {
    const [row] = await tx.rows<{ customerId: string; status: string }>(this.q.lockCustomer, { id, now });
    return row ?? null;
  }

  async record(tx: Tx, statement: NewConsentStatement, now: string): Promise<{ created: boolean; statement: ConsentStatementRow }> {
    const [row] = await tx.rows<{ created: boolean; statement: ConsentStatementRow }>(this.q.recordStatement, { ...statement, now });
    return row;
  }
}
