import { consentChanges } from '../consent/consent-changes';
import type { ConsentRepository } from '../consent/consent.repository';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { RetryableConflict, type Tx } from '../infra/neo4j/database';
import { ConflictError } from '../shared/errors';
import type { Effects } from '../writes/effects';
import type { ComponentRewrite, RewriteOutcome } from './component-rewrite';
import type { CustomerRebuild } from './customer-rebuild';
import type { LoggedEvidence, Replay } from './evidence-replay';

export type Reresolved = { profiles: string[]; replay: Replay; outcome: RewriteOutcome };

/**
 * Re-resolves a customer's connected component in a transaction: locks every profile of it, replays its evidence
 * (with the entries given added, such as a keep-apart decision placed before a merge it undoes) and writes what the
 * replay makes of it, reporting what changed like any write. Refused when part of the component was applied before
 * the evidence log: its result would not be exact.
 */
export class ComponentReresolution {
  private readonly q;

  constructor(
    registry: CypherRegistry,
    private readonly rebuild: CustomerRebuild,
    private readonly rewrite: ComponentRewrite,
    private readonly consents: ConsentRepository,
    private readonly options: { sourcePriority: string[]; ruleVersion: number },
  ) {
    this.q = registry.bind({ lock: 'identity/lock-customers', active: 'identity/active-profiles' });
  }

  async reresolveIn(tx: Tx, effects: Effects, customerId: string, added: LoggedEvidence[], now: string): Promise<Reresolved> {
    const profiles = await this.rebuild.component(tx, customerId);
    await tx.rows(this.q.lock, { ids: profiles });
    // A batch that committed between the read and the locks may have joined another profile to the component.
    const locked = await this.rebuild.component(tx, customerId);
    if (locked.length !== profiles.length || locked.some((id, i) => id !== profiles[i])) {
      throw new RetryableConflict('the component changed while its profiles were being locked');
    }
    const { unlogged, logged } = await this.rebuild.evidence(tx, profiles);
    if (unlogged > 0) {
      throw new ConflictError(`${unlogged} items of this customer's component were applied before the evidence log started (or their evidence expired): it cannot be re-resolved exactly`, {
        reason: 'UNLOGGED_ITEMS',
        unloggedItems: unlogged,
      });
    }
    const replay = await this.rebuild.replay([...logged, ...added]);
    const activeBefore = await this.activeOf(tx, profiles);
    const consentBefore = await this.consents.current(tx, activeBefore);
    const outcome = await this.rewrite.write(tx, profiles, replay, {
      sourcePriority: this.options.sourcePriority,
      ruleVersion: this.options.ruleVersion,
      now,
      matching: await this.rebuild.matching(),
    });
    const consentAfter = await this.consents.current(tx, outcome.active);
    const reactivated = new Set([...outcome.reactivated, ...outcome.created]);
    effects.customersChanged([
      ...outcome.active.map((id) => ({ customerId: id, change: reactivated.has(id) ? ('UNMERGED' as const) : ('UPDATED' as const), mergedInto: null })),
      ...outcome.merged.map((m) => ({ customerId: m.customerId, change: 'MERGED' as const, mergedInto: m.mergedInto })),
    ]);
    effects.touched(outcome.active.map((id) => ({ customerId: id, reads: 'ALL' as const })));
    effects.consentsChanged(consentChanges(consentBefore, consentAfter));
    return { profiles, replay, outcome };
  }

  private async activeOf(tx: Tx, profiles: string[]): Promise<string[]> {
    const rows = await tx.rows<{ id: string }>(this.q.active, { ids: profiles });
    return rows.map((r) => r.id);
  }
}
