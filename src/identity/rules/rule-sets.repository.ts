import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Tx } from '../../infra/neo4j/database';
import type { Reader } from '../../infra/neo4j/database';
import type { ChangeScope } from './change-scope';
import { canonicalDocument, documentHash, type MatchRulesDocument } from './match-rules';

export type RuleSetOrigin = 'CONFIGURATION' | 'PROPOSAL';

export type RuleSetRow = {
  version: number;
  rules: string;
  origin: RuleSetOrigin | null;
  proposedBy: string | null;
  note: string | null;
  shadowState: string | null;
  shadowError: string | null;
  shadow: string | null;
  /** The version in force when it was proposed: what its shadow evaluation and its activation compare with. */
  shadowAgainst: number | null;
  createdAt: number;
  activatedAt: number | null;
  inForce: boolean;
};

export type ActivationRow = {
  id: string;
  version: number;
  previousVersion: number | null;
  kind: 'ACTIVATE' | 'ROLLBACK';
  actor: string;
  reason: string;
  state: 'WAITING' | 'RUNNING' | 'DONE' | 'SUPERSEDED' | 'FAILED';
  error: string | null;
  progress: string;
  at: number;
  finishedAt: number | null;
};

/** Rule set versions, which one is in force, shadow evaluations and activations, as stored in the graph. */
export class RuleSetsRepository {
  readonly q;

  constructor(registry: CypherRegistry) {
    this.q = registry.bind({
      lock: 'rules/lock-in-force',
      inForce: 'rules/in-force',
      save: 'rules/save-rule-set',
      putInForce: 'rules/put-in-force',
      ruleSets: 'rules/rule-sets',
      startShadow: 'rules/start-shadow',
      recordShadow: 'rules/record-shadow',
      pendingShadow: 'rules/pending-shadow',
      createActivation: 'rules/create-activation',
      pendingActivation: 'rules/pending-activation',
      recordActivation: 'rules/record-activation',
      activations: 'rules/activations',
      countCustomers: 'rules/count-customers',
      affected: 'rules/affected-customers',
      recordRewritten: 'rules/record-rewritten',
      failActivation: 'rules/fail-activation',
      supersedeActivations: 'rules/supersede-activations',
      failShadow: 'rules/fail-shadow',
    });
  }

  /** Locks the in-force pointer; what is in force and the hash the configuration asserted last. */
  async lockInForce(tx: Tx): Promise<{ version: number | null; configuredHash: string | null }> {
    const [row] = await tx.rows<{ version: number | null; configuredHash: string | null }>(this.q.lock);
    return row;
  }

  async inForce(reader: Reader): Promise<{ version: number; document: MatchRulesDocument } | null> {
    const [row] = await reader.rows<{ version: number; rules: string }>(this.q.inForce);
    return row ? { version: row.version, document: JSON.parse(row.rules) as MatchRulesDocument } : null;
  }

  /** The version of the document, stored now unless it was before (`created`). */
  async save(tx: Tx, document: MatchRulesDocument, origin: RuleSetOrigin, actor: string | null, note: string | null, asserted = false): Promise<{ version: number; created: boolean }> {
    const [row] = await tx.rows<{ version: number; created: boolean }>(this.q.save, { hash: documentHash(document), rules: canonicalDocument(document), origin, actor, note, asserted });
    return row;
  }

  async putInForce(tx: Tx, version: number): Promise<void> {
    await tx.rows(this.q.putInForce, { version });
  }

  /** Stops the walks re-resolving under earlier rules (the configuration put others in force). */
  async supersedeActivations(tx: Tx): Promise<void> {
    await tx.rows(this.q.supersedeActivations);
  }

  async ruleSets(reader: Reader, filter: { version?: number | null; before?: number | null; inForce?: boolean; limit: number }): Promise<RuleSetRow[]> {
    const rows = await reader.rows<{ ruleSet: RuleSetRow }>(this.q.ruleSets, { version: filter.version ?? null, before: filter.before ?? null, inForce: filter.inForce ?? false, limit: filter.limit });
    return rows.map((r) => r.ruleSet);
  }

  async activations(reader: Reader, filter: { id?: string | null; limit: number }): Promise<ActivationRow[]> {
    const rows = await reader.rows<{ activation: ActivationRow }>(this.q.activations, { id: filter.id ?? null, limit: filter.limit });
    return rows.map((r) => r.activation);
  }

  /** The customers a change concerns among the next `scan` active ones; `last`: the cursor after them (null: none left). */
  async affected(reader: Reader, after: string, scan: number, upTo: string, scope: ChangeScope): Promise<{ ids: string[]; last: string | null }> {
    const [row] = await reader.rows<{ ids: string[]; last: string | null }>(this.q.affected, { after, scan, upTo, ...scope });
    return row ?? { ids: [], last: null };
  }

  async countCustomers(reader: Reader): Promise<number> {
    const [{ total }] = await reader.rows<{ total: number }>(this.q.countCustomers);
    return total;
  }
}
