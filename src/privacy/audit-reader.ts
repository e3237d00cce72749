/** One read of a person's PII, as the audit trail records it. */
export type PiiReadEntry = {
  at: Date;
  actor: string;
  roles: string[];
  purpose: string | null;
  operation: string | null;
  fields: string[];
  customerId: string;
};

/** What the export needs from the audit trail: every PII read of any of these customer ids. */
export interface AuditReader {
  entriesFor(customerIds: string[]): Promise<PiiReadEntry[]>;
}

/**
 * PLACEHOLDER until the audit trail is merged: there is no audit trail in this branch, so there are no entries to
 * export. Replace its one use in src/app.ts with the AuditTrail service (it has `entriesFor(customerIds)`), then
 * delete this class.
 */
export class NoAuditTrailYet implements AuditReader {
  async entriesFor(): Promise<PiiReadEntry[]> {
    return [];
  }
}
