import { Arg, Ctx, Field, Float, ID, InputType, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { PrincipalContext } from '../auth/principal';
import { Pseudonymous } from '../kernel/classification';
import { IdentifierTypeScalar, RECORD_KEY_PREFIX, type IdentifierType } from '../kernel/identifier-type';
import { BadUserInputError, ForbiddenError } from '../shared/errors';
import type { ComponentRebuild, CustomerRebuild, RebuiltCustomer } from './customer-rebuild';
import type { MatchRulesChange } from './rules/match-rules';
import type { RuleBook } from './rules/rule-book';

@InputType({ description: 'Merge protection for one identifier type: most distinct values one customer may hold.' })
export class IdentifierLimitInput {
  @Field(() => IdentifierTypeScalar)
  type!: IdentifierType;

  @Field(() => Int)
  limit!: number;
}

@InputType({ description: 'A change to the match rules in force; what is left out stays as in force.' })
export class MatchRulesInput {
  @Field(() => [IdentifierLimitInput], { nullable: true, description: 'Merge protection of the types named; the others keep theirs.' })
  limits?: IdentifierLimitInput[] | null;

  @Field(() => [IdentifierTypeScalar], { nullable: true, description: 'Resolution order: the types named first, the others after them in their order.' })
  priority?: IdentifierType[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Whether a device seen with two known people becomes shared.' })
  shareDevices?: boolean | null;

  @Field(() => [String], { nullable: true, description: 'Case-insensitive regular expressions of identifier values to drop as BLOCKED (replacing the list in force; the built-in placeholders stay).' })
  blockedPatterns?: string[] | null;

  @Field(() => Int, { nullable: true, description: 'Score with this match model version (matchModel shows the newest).' })
  modelVersion?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Score with the newest model again, each item with the model of its time (undoes modelVersion).' })
  newestModel?: boolean | null;

  @Field(() => Float, { nullable: true, description: "Match probability from which a pair is merged (with reviewThreshold; both or neither)." })
  mergeThreshold?: number | null;

  @Field(() => Float, { nullable: true, description: 'Match probability from which a pair goes to review.' })
  reviewThreshold?: number | null;

  @Field(() => Boolean, { nullable: true, description: "The model's own thresholds again (undoes mergeThreshold and reviewThreshold)." })
  modelThresholds?: boolean | null;
}

/** The change a MatchRulesInput asks for. */
export function ruleChangeOf(input: MatchRulesInput): MatchRulesChange {
  if ((input.mergeThreshold == null) !== (input.reviewThreshold == null)) {
    throw new BadUserInputError('give mergeThreshold and reviewThreshold together', { argument: 'rules.mergeThreshold' });
  }
  if (input.newestModel && input.modelVersion != null) throw new BadUserInputError('give modelVersion or newestModel, not both', { argument: 'rules.modelVersion' });
  if (input.modelThresholds && input.mergeThreshold != null) throw new BadUserInputError('give thresholds or modelThresholds, not both', { argument: 'rules.modelThresholds' });
  return {
    ...(input.limits ? { limits: input.limits } : {}),
    ...(input.priority ? { priority: input.priority } : {}),
    ...(input.shareDevices != null ? { shareDevices: input.shareDevices } : {}),
    ...(input.blockedPatterns ? { blockedPatterns: input.blockedPatterns } : {}),
    ...(input.modelVersion != null ? { modelVersion: input.modelVersion } : input.newestModel ? { modelVersion: null } : {}),
    ...(input.mergeThreshold != null ? { thresholds: { merge: input.mergeThreshold, review: input.reviewThreshold! } } : input.modelThresholds ? { thresholds: null } : {}),
  };
}

@ObjectType({ description: 'How many identifiers of one type a rebuilt customer holds.' })
export class IdentifierTypeCount {
  @Pseudonymous()
  @Field(() => IdentifierTypeScalar)
  type!: string;

  @Pseudonymous()
  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'One customer as the evidence resolves to it.' })
export class RebuiltCustomerView {
  @Pseudonymous({ namesCustomer: true })
  @Field(() => ID, {
    nullable: true,
    description: 'The stored active customer with exactly the same identifiers and source records; null: none (the rules given would split or join stored customers).',
  })
  storedCustomerId!: string | null;

  @Pseudonymous()
  @Field({ description: 'Same identifiers, source records, candidates and golden values as that stored customer.' })
  identical!: boolean;

  @Pseudonymous()
  @Field(() => [ID], { description: 'The stored profiles (active or merged) its items first landed on.' })
  landedOn!: string[];

  @Pseudonymous()
  @Field(() => [IdentifierTypeCount])
  identifiers!: IdentifierTypeCount[];

  @Pseudonymous()
  @Field(() => Int)
  sourceRecords!: number;

  @Pseudonymous()
  @Field()
  createdAt!: Date;
}

@ObjectType({ description: "A customer's connected component rebuilt from the evidence log, and how it compares with what is stored." })
export class ComponentRebuildView {
  @Pseudonymous()
  @Field(() => ID, { description: 'The customer asked about.' })
  customerId!: string;

  @Pseudonymous()
  @Field(() => [ID], { description: 'Every stored profile of the component: merged with the customer, in conflict with it over an identifier, or sharing a device with it.' })
  profiles!: string[];

  @Pseudonymous()
  @Field({ description: 'The rebuilt customers are exactly the stored ones: each matches one, none is left over, and no item predates the log.' })
  identical!: boolean;

  @Pseudonymous()
  @Field(() => Int, { description: 'Items replayed: those that brought identity or attribute facts.' })
  evidenceItems!: number;

  @Pseudonymous()
  @Field(() => Int, { description: 'Items of the component applied before the evidence log started; with any, the rebuild cannot be exact.' })
  unloggedItems!: number;

  @Pseudonymous()
  @Field(() => Int, { description: 'Merges the replay made.' })
  merges!: number;

  @Pseudonymous()
  @Field(() => [RebuiltCustomerView])
  customers!: RebuiltCustomerView[];

  @Pseudonymous()
  @Field(() => [ID], { description: 'Stored active customers of the component that no rebuilt customer matches.' })
  unmatchedStored!: string[];
}

@Resolver()
export class RebuildResolver {
  constructor(
    private readonly rebuilds: CustomerRebuild,
    private readonly ruleBook: RuleBook,
  ) {}

  @Pseudonymous()
  @Query(() => ComponentRebuildView, {
    description:
      "Rebuilds a customer's connected component from the evidence log, under the match rules in force or those given, and compares it with what is stored. Changes nothing: with the rules in force it verifies the customers; with others it previews a re-resolution.",
  })
  async rebuildCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('rules', () => MatchRulesInput, { nullable: true }) rules: MatchRulesInput | null | undefined,
    @Ctx() { principal }: PrincipalContext,
  ): Promise<ComponentRebuildView> {
    // A pattern runs on this instance's event loop: only those who may change the rules may try patterns of their own.
    if (rules?.blockedPatterns && !principal.scopes.has('identity:rules')) {
      throw new ForbiddenError('trying blocked patterns needs identity:rules (proposeMatchRules)', { argument: 'rules.blockedPatterns' });
    }
    return view(await this.rebuilds.rebuild(id, rules ? await this.ruleBook.changed(ruleChangeOf(rules)) : this.ruleBook.current));
  }
}

function view(rebuild: ComponentRebuild): ComponentRebuildView {
  const customers = rebuild.customers.map(customerView);
  return {
    customerId: rebuild.customerId,
    profiles: rebuild.profiles,
    identical: rebuild.unloggedItems === 0 && rebuild.unmatchedStored.length === 0 && customers.every((c) => c.identical),
    evidenceItems: rebuild.evidenceItems,
    unloggedItems: rebuild.unloggedItems,
    merges: rebuild.merges,
    customers,
    unmatchedStored: rebuild.unmatchedStored,
  };
}

function customerView(customer: RebuiltCustomer): RebuiltCustomerView {
  const counts = new Map<string, number>();
  let records = 0;
  for (const key of customer.keys) {
    if (key.startsWith(RECORD_KEY_PREFIX)) records++;
    else {
      const type = key.slice(0, key.indexOf(':'));
      counts.set(type, (counts.get(type) ?? 0) + 1);
    }
  }
  return {
    storedCustomerId: customer.storedCustomerId,
    identical: customer.identical,
    landedOn: customer.landedOn,
    identifiers: [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => ({ type, count })),
    sourceRecords: records,
    createdAt: new Date(customer.createdAt),
  };
}
