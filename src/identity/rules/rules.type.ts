import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Aggregated, Pseudonymous } from '../../kernel/classification';
import { IdentifierTypeScalar } from '../../kernel/identifier-type';

export enum RuleSetOriginEnum {
  CONFIGURATION = 'CONFIGURATION',
  PROPOSAL = 'PROPOSAL',
}
registerEnumType(RuleSetOriginEnum, {
  name: 'RuleSetOrigin',
  valuesConfig: {
    CONFIGURATION: { description: 'Put in force by the configuration (IDENTITY_LIMITS, IDENTITY_PRIORITY, ...) at a start where it had changed.' },
    PROPOSAL: { description: 'Proposed through proposeMatchRules.' },
  },
});

export enum WalkStateEnum {
  PENDING = 'PENDING',
  WAITING = 'WAITING',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  SUPERSEDED = 'SUPERSEDED',
  FAILED = 'FAILED',
}
registerEnumType(WalkStateEnum, {
  name: 'RuleWalkState',
  description: 'Where a walk over every component (a shadow evaluation, a re-resolution) is.',
  valuesConfig: {
    PENDING: { description: 'Not started.' },
    WAITING: { description: 'An activation waits for every instance to take its rules up (MATCH_RULES_REFRESH_SECONDS).' },
    RUNNING: { description: 'Under way; the counts grow page by page.' },
    DONE: { description: 'Every component visited.' },
    SUPERSEDED: { description: 'A later activation or rollback took over before it was done.' },
    FAILED: { description: 'Stopped by an error (`error`); what it visited stays as it left it. Roll back, or activate again.' },
  },
});

export enum RuleActivationKindEnum {
  ACTIVATE = 'ACTIVATE',
  ROLLBACK = 'ROLLBACK',
}
registerEnumType(RuleActivationKindEnum, { name: 'RuleActivationKind' });

@ObjectType({ description: 'Merge protection of one identifier type.' })
export class IdentifierLimitView {
  @Aggregated()
  @Field(() => IdentifierTypeScalar)
  type!: string;

  @Aggregated()
  @Field(() => Int, { description: 'Most distinct values one customer may hold.' })
  limit!: number;
}

@ObjectType({ description: 'The match rules of one version: what resolution decides with.' })
export class MatchRulesView {
  @Aggregated()
  @Field(() => [IdentifierLimitView])
  limits!: IdentifierLimitView[];

  @Aggregated()
  @Field(() => [IdentifierTypeScalar], { description: "Order in which an item's identifiers are resolved." })
  priority!: string[];

  @Aggregated()
  @Field({ description: 'A device seen with two known people becomes shared and links no one.' })
  shareDevices!: boolean;

  @Aggregated()
  @Field(() => [String], { description: 'Identifier values dropped as BLOCKED (case-insensitive), besides the built-in placeholders.' })
  blockedPatterns!: string[];

  @Aggregated()
  @Field(() => Int, { nullable: true, description: 'The match model scored with; null: the newest, each item with the model of its time.' })
  modelVersion!: number | null;

  @Aggregated()
  @Field(() => Float, { nullable: true, description: "Merge threshold replacing the model's; null: the model's." })
  mergeThreshold!: number | null;

  @Aggregated()
  @Field(() => Float, { nullable: true, description: "Review threshold replacing the model's; null: the model's." })
  reviewThreshold!: number | null;

  @Aggregated()
  @Field({ description: 'Fixed by the deployment (IDENTITY_DEFAULT_REGION), as the identifier types are (identifierTypes).' })
  defaultRegion!: string;
}

@ObjectType({ description: 'Merges made, by what made them, under the rules in force and under the proposal.' })
export class JoinCauseCount {
  @Aggregated()
  @Field({ description: '`IDENTIFIER:<type>`, SOURCE_RECORD, PROBABILISTIC, DECISION or OFFLINE.' })
  cause!: string;

  @Aggregated()
  @Field(() => Int)
  before!: number;

  @Aggregated()
  @Field(() => Int)
  after!: number;
}

export enum CustomerChangeKindEnum {
  JOINED = 'JOINED',
  SPLIT = 'SPLIT',
}
registerEnumType(CustomerChangeKindEnum, {
  name: 'ShadowChange',
  valuesConfig: { JOINED: { description: 'Stored customers the proposal would make one.' }, SPLIT: { description: 'A stored customer the proposal would split.' } },
});

@ObjectType({ description: 'One change a proposal would make: stored customers it would join, or one it would split.' })
export class ShadowExample {
  @Aggregated()
  @Field(() => CustomerChangeKindEnum)
  change!: CustomerChangeKindEnum;

  @Pseudonymous({ namesCustomer: true })
  @Field(() => [ID], { nullable: true, description: 'The stored customers concerned.' })
  customerIds!: string[] | null;

  @Aggregated()
  @Field(() => [String], { description: 'Causes of merges whose count the proposal changes in that component.' })
  causes!: string[];
}

@ObjectType({ description: 'How far a walk over every component has come.' })
export class WalkProgressView {
  @Aggregated()
  @Field(() => WalkStateEnum)
  state!: WalkStateEnum;

  @Aggregated()
  @Field(() => String, { nullable: true, description: 'Why a FAILED walk stopped.' })
  error!: string | null;

  @Aggregated()
  @Field(() => Int, { description: 'Active customers when the walk started.' })
  totalCustomers!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Customers the change concerns, visited so far (of totalCustomers, most of which it does not concern).' })
  customersVisited!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Connected components visited (each once).' })
  components!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Components the change makes other customers of (a re-resolution: those rewritten).' })
  componentsChanged!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Components left alone: part of their evidence predates the log, or they are too large to replay at once.' })
  componentsSkipped!: number;
}

@ObjectType({ description: 'What a proposal would change, replayed from the evidence log without touching live data.' })
export class ShadowEvaluation {
  @Aggregated()
  @Field(() => Int, { description: 'The version in force it is compared with.' })
  againstVersion!: number;

  @Aggregated()
  @Field(() => WalkProgressView)
  progress!: WalkProgressView;

  @Aggregated()
  @Field(() => Int, { description: 'Customers the evaluated components make under the rules in force.' })
  customersBefore!: number;

  @Aggregated()
  @Field(() => Int, { description: 'And under the proposal.' })
  customersAfter!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Customers of the rules in force the proposal joins (n into one: n - 1).' })
  mergesGained!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Merges the proposal undoes (a customer split into n: n - 1).' })
  mergesLost!: number;

  @Aggregated()
  @Field(() => [JoinCauseCount])
  byCause!: JoinCauseCount[];

  @Aggregated()
  @Field(() => [ShadowExample], { description: 'Up to 20.' })
  examples!: ShadowExample[];

  @Aggregated()
  @Field()
  startedAt!: Date;

  @Aggregated()
  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({ description: 'A version of the match rules.' })
export class MatchRuleSetView {
  @Aggregated()
  @Field(() => Int)
  version!: number;

  @Aggregated()
  @Field({ description: 'The version every instance resolves with.' })
  inForce!: boolean;

  @Aggregated()
  @Field(() => RuleSetOriginEnum, { nullable: true, description: 'Null for versions stored before rules could be proposed.' })
  origin!: RuleSetOriginEnum | null;

  @Aggregated()
  @Field(() => String, { nullable: true, description: 'Who proposed it (token subject).' })
  proposedBy!: string | null;

  @Aggregated()
  @Field(() => String, { nullable: true })
  note!: string | null;

  @Aggregated()
  @Field()
  createdAt!: Date;

  @Aggregated()
  @Field(() => Date, { nullable: true, description: 'When it was last put in force.' })
  activatedAt!: Date | null;

  @Aggregated()
  @Field(() => MatchRulesView, { nullable: true, description: 'Null for versions stored before rules were documents.' })
  rules!: MatchRulesView | null;

  @Aggregated()
  @Field(() => ShadowEvaluation, { nullable: true, description: 'Set on a proposal.' })
  shadow!: ShadowEvaluation | null;
}

@ObjectType({ description: 'A version put in force (activated or rolled back to), and its re-resolution of what the change concerns.' })
export class RuleActivationView {
  @Aggregated()
  @Field(() => ID)
  id!: string;

  @Aggregated()
  @Field(() => Int)
  version!: number;

  @Aggregated()
  @Field(() => Int, { nullable: true })
  previousVersion!: number | null;

  @Aggregated()
  @Field(() => RuleActivationKindEnum)
  kind!: RuleActivationKindEnum;

  @Aggregated()
  @Field({ description: 'Who put it in force (token subject).' })
  actor!: string;

  @Aggregated()
  @Field()
  reason!: string;

  @Aggregated()
  @Field()
  at!: Date;

  @Aggregated()
  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Aggregated()
  @Field(() => WalkProgressView)
  progress!: WalkProgressView;
}
