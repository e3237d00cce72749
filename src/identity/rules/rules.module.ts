import type { Config } from '../../config/config';
import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database } from '../../infra/neo4j/database';
import type { JobRunner, ScheduledJob } from '../../jobs/job-runner';
import type { Logger } from '../../observability/logger';
import type { UnitOfWork } from '../../writes/unit-of-work';
import type { ComponentReresolution } from '../component-reresolution';
import type { CustomerRebuild } from '../customer-rebuild';
import { MatchRuleChanges } from './rule-changes';
import type { RuleBook } from './rule-book';
import type { RuleSetsRepository } from './rule-sets.repository';
import { MatchRulesResolver } from './rules.resolver';

export type MatchRulesDeps = {
  db: Database;
  registry: CypherRegistry;
  logger: Logger;
  writes: UnitOfWork;
  jobs: JobRunner;
  settings: Config['matching'];
  identity: { ruleBook: RuleBook; ruleSets: RuleSetsRepository; rebuild: CustomerRebuild; reresolution: ComponentReresolution };
  clock?: () => Date;
};

/** How long one tick of the rule-change walk runs before it saves and lets the job plan the next. */
const TICK_BUDGET_MS = 10_000;
/** How often an instance looks for a walk to do (one that died mid-walk is resumed so), and how rarely the walk ticks idle. */
const LOOK_MS = 5_000;
const IDLE_MS = 3_600_000;

/**
 * Match rules as versioned data: proposals evaluated in shadow, activations and rollbacks re-resolving what they
 * change, and every instance following the version in force.
 */
export function createMatchRules({ db, registry, logger, writes, jobs, settings, identity, clock }: MatchRulesDeps) {
  const refreshMs = settings.rulesRefreshSeconds * 1000;
  let walk: ScheduledJob | null = null;
  const changes = new MatchRuleChanges(
    db,
    registry,
    writes,
    identity.ruleSets,
    identity.ruleBook,
    identity.rebuild,
    identity.reresolution,
    logger,
    { refreshMs, pageSize: settings.reresolutionPageSize, pauseMs: settings.reresolutionPauseMs },
    () => void walk?.tickNow(),
    clock,
  );
  return {
    changes,
    resolvers: [new MatchRulesResolver(changes, identity.ruleSets, { rows: (query, params) => db.read(query, params) })],
    start() {
      if (refreshMs > 0) {
        jobs.schedule({ name: 'match-rules-refresh', intervalMs: refreshMs, tick: () => identity.ruleBook.refresh(), failure: { message: 'could not read the match rules in force; the next tick tries again' } });
      }
      let more = false;
      // The walk itself holds a lease; what starts it is a cheap look for pending work on every instance.
      walk = jobs.schedule({
        name: 'match-rule-changes',
        intervalMs: IDLE_MS,
        lease: { seconds: 30 },
        tick: async () => {
          more = await changes.runPending(TICK_BUDGET_MS);
        },
        // Work that came while this tick ran (a kick then only waits for it) is taken up at once.
        next: async () => (more || (await changes.hasPending()) ? 0 : IDLE_MS),
        failure: { message: 'a match rule change walk failed; the next tick resumes it from its saved progress', level: 'error' },
      });
      jobs.schedule({
        name: 'match-rule-changes-pending',
        intervalMs: LOOK_MS,
        tick: async () => {
          if (await changes.hasPending()) await walk?.tickNow();
        },
        failure: { message: 'could not look for pending match rule changes; the next tick tries again' },
      });
    },
  };
}
