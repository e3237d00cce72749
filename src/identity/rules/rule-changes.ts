import { v7 as uuidv7 } from 'uuid';
import { statedReason } from '../../shared/stated-reason';
import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database, Reader } from '../../infra/neo4j/database';
import type { Logger } from '../../observability/logger';
import { BadUserInputError, ConflictError, NotFoundError } from '../../shared/errors';
import type { UnitOfWork } from '../../writes/unit-of-work';
import type { ComponentReresolution } from '../component-reresolution';
import type { CustomerRebuild } from '../customer-rebuild';
import { documentHash, type MatchRulesChange, type MatchRulesDocument } from './match-rules';
import { changeScope, cypherPattern } from './change-scope';
import { ComponentWalks, emptyWalk, type WalkProgress } from './component-walk';
import { diffReplays, type CustomerChange, type ReplayDiff } from './replay-diff';
import type { AppliedRules, RuleBook } from './rule-book';
import type { ActivationRow, RuleSetRow, RuleSetsRepository } from './rule-sets.repository';

type PendingActivation = { id: string; version: number; previousVersion: number | null; rewrittenSince: number | null; cursor: string; progress: string; due: boolean };
type PendingShadow = { version: number; rules: string; shadow: string; cursor: string; against: number };

/** Examples a shadow evaluation keeps of what would change. */
const MAX_EXAMPLES = 20;

/** What a proposal would change, component by component, against the version in force when it was proposed. */
export type ShadowReport = WalkProgress & Omit<ReplayDiff, 'changes'> & {
  against: number;
  examples: { change: CustomerChange['change']; customerIds: string[]; causes: string[] }[];
  startedAt: string;
  finishedAt: string | null;
};

export type ActivationProgress = WalkProgress & { startedAt: string | null };

/**
 * Rule changes: a proposal is stored as a new version and evaluated in shadow (every component it concerns replayed
 * from the evidence log under the rules in force and under the proposal, nothing written); an activation or rollback
 * puts a version in force and re-resolves, in the background, each component the change makes other customers of.
 * Both go through the components as a walk (component-walk.ts); the job running them holds a lease, so one instance
 * walks and another resumes when it dies.
 */
export class MatchRuleChanges {
  private readonly q;
  private readonly walks: ComponentWalks;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    private readonly writes: UnitOfWork,
    private readonly ruleSets: RuleSetsRepository,
    private readonly ruleBook: RuleBook,
    private readonly rebuild: CustomerRebuild,
    private readonly reresolution: ComponentReresolution,
    private readonly logger: Logger,
    private readonly settings: { refreshMs: number; pageSize: number; pauseMs: number },
    /** Tells the background walk there is work (it would find it on its next tick anyway). */
    private readonly kick: () => void,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.q = registry.bind({ customers: 'identity/component-customers', checkPatterns: 'rules/check-patterns' });
    this.walks = new ComponentWalks(ruleSets, this.reader(), settings);
  }


  /**
   * Stores the rules in force with `change` made to them as a version and starts its shadow evaluation. The same
   * rules proposed before are that version, returned as it is (with its evaluation).
   */
  async propose(change: MatchRulesChange, note: string, actor: string): Promise<RuleSetRow> {
    const text = statedReason(note, 'note');
    // Against what every instance resolves with now, not what this one last read.
    await this.ruleBook.refresh();
    const against = this.ruleBook.current;
    const proposed = await this.ruleBook.changed(change, against);
    if (documentHash(proposed.document) === documentHash(against.document)) {
      throw new BadUserInputError(`these are the rules in force (version ${against.version}): nothing to evaluate`, { argument: 'rules', reason: 'NO_CHANGE' });
    }
    await this.checkPatternsInCypher(proposed.document.blockedPatterns);
    const version = await this.db.write(async (tx) => {
      const saved = await this.ruleSets.save(tx, proposed.document, 'PROPOSAL', actor, text);
      if (!saved.created) return saved.version;
      const shadow: ShadowReport = {
        ...emptyWalk(),
        against: against.version,
        customersBefore: 0,
        customersAfter: 0,
        mergesGained: 0,
        mergesLost: 0,
        joinsBefore: {},
        joinsAfter: {},
        examples: [],
        startedAt: this.clock().toISOString(),
        finishedAt: null,
      };
      await tx.rows(this.ruleSets.q.startShadow, { version: saved.version, shadow: JSON.stringify(shadow), against: against.version });
      return saved.version;
    });
    this.kick();
    return (await this.ruleSets.ruleSets(this.reader(), { version, limit: 1 }))[0];
  }

  /**
   * Puts a version in force and starts re-resolving what changes from the version in force until then. A rollback
   * also re-resolves every customer an activation rewrote since the version it returns to was last put in force.
   * ROLLBACK: only to a version that was in force before.
   */
  async activate(version: number, reason: string, actor: string, kind: 'ACTIVATE' | 'ROLLBACK'): Promise<ActivationRow> {
    const text = statedReason(reason, 'reason');
    const id = uuidv7();
    await this.db.write(async (tx) => {
      const { version: inForce } = await this.ruleSets.lockInForce(tx);
      const [target] = await this.ruleSets.ruleSets(tx, { version, limit: 1 });
      if (!target) throw new NotFoundError(`no match rules version ${version}`, { version });
      const document = JSON.parse(target.rules) as Partial<MatchRulesDocument>;
      if (!document.deployment) {
        throw new ConflictError(`match rules version ${version} was stored before rules were documents: it cannot be put in force again`, { reason: 'NOT_A_DOCUMENT' });
      }
      if (inForce === version) throw new ConflictError(`match rules version ${version} is in force already`, { reason: 'ALREADY_IN_FORCE' });
      // Identifier types and normalisation come from the deployment: a version made under another one would drop them.
      if (JSON.stringify(document.deployment) !== JSON.stringify(this.ruleBook.current.document.deployment)) {
        throw new ConflictError(`match rules version ${version} was made for other identifier types or another default region than this deployment's: propose the change again`, {
          reason: 'DEPLOYMENT_CHANGED',
        });
      }
      if (kind === 'ROLLBACK' && target.activatedAt === null) {
        throw new ConflictError(`match rules version ${version} was never in force: activate it instead`, { reason: 'NEVER_IN_FORCE' });
      }
      await this.ruleSets.putInForce(tx, version);
      const progress: ActivationProgress = { ...emptyWalk(), startedAt: null };
      await tx.rows(this.ruleSets.q.createActivation, {
        id,
        version,
        previousVersion: inForce,
        rewrittenSince: kind === 'ROLLBACK' ? target.activatedAt : null,
        kind,
        actor,
        reason: text,
        // Instances read what is in force every refreshMs: once that has passed, every batch resolves with the new rules.
        waitMs: this.settings.refreshMs > 0 ? this.settings.refreshMs + 1_000 : 0,
        progress: JSON.stringify(progress),
      });
    });
    await this.ruleBook.refresh();
    this.kick();
    return (await this.ruleSets.activations(this.reader(), { id, limit: 1 }))[0];
  }

  /**
   * Walks pending work for up to `budgetMs`: the activation in progress first (once due), then the oldest shadow
   * evaluation. True when work is left. A walk that fails for another reason than one component's is marked
   * FAILED with the error (it would fail again at the same place), and the next one can go.
   */
  async runPending(budgetMs: number): Promise<boolean> {
    const until = Date.now() + budgetMs;
    const { activation, shadow } = await this.pendingWork();
    if (activation) {
      if (!activation.due) return false;
      return this.activationPages(activation, until).catch(async (error: unknown) => {
        await this.db.write((tx) => tx.rows(this.ruleSets.q.failActivation, { id: activation.id, error: (error as Error).message }));
        this.logger.error({ err: error, activation: activation.id }, 'a match rules activation failed and stopped; roll back or activate again');
        return true;
      });
    }
    if (!shadow) return false;
    return this.shadowPages(shadow, until).catch(async (error: unknown) => {
      await this.db.write((tx) => tx.rows(this.ruleSets.q.failShadow, { version: shadow.version, error: (error as Error).message }));
      this.logger.error({ err: error, version: shadow.version }, 'a shadow evaluation failed and stopped');
      return true;
    });
  }

  /** The budget: the pause after each component a walk visits. */
  get pauseMs(): number {
    return this.settings.pauseMs;
  }

  /** An activation as stored, with its progress. */
  activation(id: string): Promise<ActivationRow[]> {
    return this.ruleSets.activations(this.reader(), { id, limit: 1 });
  }

  /** Whether a walk is waiting for an instance: an activation due, or a shadow evaluation not finished. */
  async hasPending(): Promise<boolean> {
    const { activation, shadow } = await this.pendingWork();
    return activation ? activation.due : shadow !== undefined;
  }

  /** The activation re-resolving, if any, and the oldest shadow evaluation not finished (only when none is). */
  private async pendingWork(): Promise<{ activation?: PendingActivation; shadow?: PendingShadow }> {
    const [activation] = await this.reader().rows<PendingActivation>(this.ruleSets.q.pendingActivation);
    if (activation) return { activation };
    const [shadow] = await this.reader().rows<PendingShadow>(this.ruleSets.q.pendingShadow);
    return { shadow };
  }

  /** Runs every pending walk to its end (tests, commands). */
  async drain(): Promise<void> {
    while (await this.runPending(60_000));
  }

  private async activationPages(row: PendingActivation, until: number): Promise<boolean> {
    const next = await this.appliedVersion(row.version);
    const previous = row.previousVersion === null ? next : await this.appliedVersion(row.previousVersion);
    const progress = JSON.parse(row.progress) as ActivationProgress;
    progress.startedAt ??= this.clock().toISOString();
    if (progress.totalCustomers === 0) progress.totalCustomers = await this.ruleSets.countCustomers(this.reader());
    const scope = changeScope(previous.document, next.document, row.rewrittenSince);
    return this.walks.walk(`activation:${row.id}`, scope, row.cursor, until, progress, async (customerId) => {
      const { profiles, rewritten } = await this.writes.run(async (tx, effects) => {
        const done = await this.reresolution.reresolveUnder(tx, effects, customerId, { previous, next }, this.clock().toISOString(), row.id);
        if (done.rewritten) await tx.rows(this.ruleSets.q.recordRewritten, { id: row.id, ids: done.rewritten.active });
        return done;
      });
      if (rewritten) progress.componentsChanged++;
      return profiles;
    }, async (cursor, done) => {
      const saved = await this.db.write((tx) => tx.rows(this.ruleSets.q.recordActivation, { id: row.id, state: done ? 'DONE' : 'RUNNING', cursor, progress: JSON.stringify(progress) }));
      if (done && saved.length > 0) this.logger.info({ version: row.version, ...progress }, 'match rules activation re-resolved what it changes');
      // No row: a newer activation superseded this one, and re-resolves under its own rules.
      return saved.length > 0;
    });
  }

  private async shadowPages(row: PendingShadow, until: number): Promise<boolean> {
    const candidate = this.ruleBook.apply(row.version, JSON.parse(row.rules) as MatchRulesDocument);
    const against = await this.appliedVersion(row.against);
    const report = JSON.parse(row.shadow) as ShadowReport;
    if (report.totalCustomers === 0) report.totalCustomers = await this.ruleSets.countCustomers(this.reader());
    const scope = changeScope(against.document, candidate.document, null);
    return this.walks.walk(`shadow:${row.version}`, scope, row.cursor, until, report, (customerId) => this.shadowComponent(customerId, against, candidate, report), async (cursor, done) => {
      if (done) report.finishedAt = this.clock().toISOString();
      const saved = await this.db.write((tx) => tx.rows(this.ruleSets.q.recordShadow, { version: row.version, state: done ? 'DONE' : 'RUNNING', shadow: JSON.stringify(report), cursor }));
      return saved.length > 0;
    });
  }

  /** Neo4j reads the patterns to find the customers they concern: one it cannot compile is refused up front. */
  private async checkPatternsInCypher(patterns: string[]): Promise<void> {
    for (const [i, pattern] of patterns.entries()) {
      try {
        await this.db.read(this.q.checkPatterns, { pattern: cypherPattern(pattern) });
      } catch {
        throw new BadUserInputError(`rules.blockedPatterns[${i}] is a JavaScript regular expression Neo4j cannot read: keep to the syntax both share (no [^], for one)`, {
          argument: `rules.blockedPatterns[${i}]`,
          reason: 'INVALID_RULES',
        });
      }
    }
  }

  /** Replays a component under both rule sets and adds the difference to the report; its profiles. */
  private async shadowComponent(customerId: string, against: AppliedRules, candidate: AppliedRules, report: ShadowReport): Promise<string[]> {
    const reader = this.reader();
    const profiles = await this.rebuild.component(reader, customerId);
    const { unlogged, logged } = await this.rebuild.evidence(reader, profiles);
    if (unlogged > 0) {
      report.componentsSkipped++;
      return profiles;
    }
    const diff = diffReplays(await this.rebuild.replay(logged, against), await this.rebuild.replay(logged, candidate));
    report.customersBefore += diff.customersBefore;
    report.customersAfter += diff.customersAfter;
    report.mergesGained += diff.mergesGained;
    report.mergesLost += diff.mergesLost;
    for (const [cause, n] of Object.entries(diff.joinsBefore)) report.joinsBefore[cause] = (report.joinsBefore[cause] ?? 0) + n;
    for (const [cause, n] of Object.entries(diff.joinsAfter)) report.joinsAfter[cause] = (report.joinsAfter[cause] ?? 0) + n;
    if (diff.changes.length === 0) return profiles;
    report.componentsChanged++;
    if (report.examples.length >= MAX_EXAMPLES) return profiles;
    // Examples name the stored customers: those holding the same identifiers and records as the replay's.
    const stored = await reader.rows<{ id: string; keys: string[] }>(this.q.customers, { ids: profiles, attributes: [] });
    const byKeys = new Map(stored.map((c) => [[...c.keys].sort().join('\n'), c.id]));
    for (const change of diff.changes.slice(0, MAX_EXAMPLES - report.examples.length)) {
      report.examples.push({ change: change.change, customerIds: change.before.flatMap((keys) => byKeys.get(keys.join('\n')) ?? []), causes: change.causes });
    }
    return profiles;
  }

  private async appliedVersion(version: number): Promise<AppliedRules> {
    const [row] = await this.ruleSets.ruleSets(this.reader(), { version, limit: 1 });
    if (!row) throw new NotFoundError(`no match rules version ${version}`);
    return this.ruleBook.apply(version, JSON.parse(row.rules) as MatchRulesDocument);
  }

  private reader(): Reader {
    return { rows: (query, params) => this.db.read(query, params) };
  }
}
