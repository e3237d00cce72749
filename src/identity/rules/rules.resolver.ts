import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { PrincipalContext } from '../../auth/principal';
import { Aggregated } from '../../kernel/classification';
import { BadUserInputError } from '../../shared/errors';
import { MatchRulesInput, ruleChangeOf } from '../rebuild.resolver';
import type { MatchRulesDocument } from './match-rules';
import type { ActivationProgress, MatchRuleChanges, ShadowReport } from './rule-changes';
import type { ActivationRow, RuleSetRow, RuleSetsRepository } from './rule-sets.repository';
import type { Reader } from '../../infra/neo4j/database';
import { CustomerChangeKindEnum, MatchRuleSetView, RuleActivationKindEnum, RuleActivationView, RuleSetOriginEnum, WalkStateEnum, type MatchRulesView } from './rules.type';

const MAX_PAGE = 100;

@Resolver()
export class MatchRulesResolver {
  constructor(
    private readonly changes: MatchRuleChanges,
    private readonly ruleSets: RuleSetsRepository,
    private readonly reader: Reader,
  ) {}

  @Aggregated()
  @Query(() => MatchRuleSetView, { nullable: true, description: 'A version of the match rules; the one in force when no version is given.' })
  async matchRules(@Arg('version', () => Int, { nullable: true }) version?: number | null): Promise<MatchRuleSetView | null> {
    const [row] = await this.ruleSets.ruleSets(this.reader, { version: version ?? null, inForce: version == null, limit: 1 });
    return row ? ruleSetView(row) : null;
  }

  @Aggregated()
  @Query(() => [MatchRuleSetView], { description: 'Versions of the match rules, newest first (`before`: older than that version).' })
  async matchRuleSets(
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('before', () => Int, { nullable: true }) before?: number | null,
  ): Promise<MatchRuleSetView[]> {
    return (await this.ruleSets.ruleSets(this.reader, { before: before ?? null, limit: pageSize(first) })).map(ruleSetView);
  }

  @Aggregated()
  @Query(() => [RuleActivationView], { description: 'Activations and rollbacks, newest first, with the progress of their re-resolution.' })
  async matchRuleActivations(@Arg('first', () => Int, { defaultValue: 20 }) first: number): Promise<RuleActivationView[]> {
    return (await this.ruleSets.activations(this.reader, { limit: pageSize(first) })).map(activationView);
  }

  @Aggregated()
  @Mutation(() => MatchRuleSetView, {
    description:
      'Stores the rules in force with these changes as a new version (the same rules proposed again: the same version) and evaluates it in shadow: every component is re-resolved from the evidence log under it, nothing written; `shadow` reports what would change as the walk goes.',
  })
  async proposeMatchRules(
    @Arg('rules', () => MatchRulesInput) rules: MatchRulesInput,
    @Arg('note') note: string,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<MatchRuleSetView> {
    return ruleSetView(await this.changes.propose(ruleChangeOf(rules), note, principal.subject));
  }

  @Aggregated()
  @Mutation(() => RuleActivationView, {
    description:
      'Puts a version in force on every instance; then, in leased background batches, re-resolves each component the change makes other customers of (matchRuleActivations shows the progress). Changes are published as any write.',
  })
  async activateMatchRules(@Arg('version', () => Int) version: number, @Arg('reason') reason: string, @Ctx() { principal }: PrincipalContext): Promise<RuleActivationView> {
    return activationView(await this.changes.activate(version, reason, principal.subject, 'ACTIVATE'));
  }

  @Aggregated()
  @Mutation(() => RuleActivationView, { description: 'Goes back to a version that was in force before, re-resolving what changes the same way.' })
  async rollbackMatchRules(@Arg('toVersion', () => Int) toVersion: number, @Arg('reason') reason: string, @Ctx() { principal }: PrincipalContext): Promise<RuleActivationView> {
    return activationView(await this.changes.activate(toVersion, reason, principal.subject, 'ROLLBACK'));
  }
}

function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE}`, { argument: 'first' });
  return first;
}

function rulesView(document: MatchRulesDocument): MatchRulesView | null {
  // Versions stored before rules were documents hold another shape.
  if (!document.deployment) return null;
  return {
    limits: Object.entries(document.limits)
      .filter(([, limit]) => limit < Number.MAX_SAFE_INTEGER)
      .map(([type, limit]) => ({ type, limit })),
    priority: document.priority,
    shareDevices: document.shareDevices,
    blockedPatterns: document.blockedPatterns,
    modelVersion: document.model.version,
    mergeThreshold: document.model.thresholds?.merge ?? null,
    reviewThreshold: document.model.thresholds?.review ?? null,
    defaultRegion: document.deployment.defaultRegion,
  };
}

function ruleSetView(row: RuleSetRow): MatchRuleSetView {
  const shadow = row.shadow ? (JSON.parse(row.shadow) as ShadowReport) : null;
  return {
    version: row.version,
    inForce: row.inForce,
    origin: row.origin ? RuleSetOriginEnum[row.origin] : null,
    proposedBy: row.proposedBy,
    note: row.note,
    createdAt: new Date(row.createdAt),
    activatedAt: row.activatedAt === null ? null : new Date(row.activatedAt),
    rules: rulesView(JSON.parse(row.rules) as MatchRulesDocument),
    shadow: shadow && {
      againstVersion: shadow.against,
      progress: { state: WalkStateEnum[(row.shadowState ?? 'PENDING') as WalkStateEnum], error: row.shadowError, ...walk(shadow) },
      customersBefore: shadow.customersBefore,
      customersAfter: shadow.customersAfter,
      mergesGained: shadow.mergesGained,
      mergesLost: shadow.mergesLost,
      byCause: [...new Set([...Object.keys(shadow.joinsBefore), ...Object.keys(shadow.joinsAfter)])]
        .sort()
        .map((cause) => ({ cause, before: shadow.joinsBefore[cause] ?? 0, after: shadow.joinsAfter[cause] ?? 0 })),
      examples: shadow.examples.map((e) => ({ ...e, change: CustomerChangeKindEnum[e.change] })),
      startedAt: new Date(shadow.startedAt),
      finishedAt: shadow.finishedAt === null ? null : new Date(shadow.finishedAt),
    },
  };
}

function activationView(row: ActivationRow): RuleActivationView {
  const progress = JSON.parse(row.progress) as ActivationProgress;
  return {
    id: row.id,
    version: row.version,
    previousVersion: row.previousVersion,
    kind: RuleActivationKindEnum[row.kind],
    actor: row.actor,
    reason: row.reason,
    at: new Date(row.at),
    finishedAt: row.finishedAt === null ? null : new Date(row.finishedAt),
    progress: { state: WalkStateEnum[row.state], error: row.error, ...walk(progress) },
  };
}

const walk = (p: ActivationProgress | ShadowReport) => ({
  totalCustomers: p.totalCustomers,
  customersVisited: p.customersVisited,
  components: p.components,
  componentsChanged: p.componentsChanged,
  componentsSkipped: p.componentsSkipped,
});
