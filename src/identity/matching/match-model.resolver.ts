import { Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Aggregated } from '../../kernel/classification';
import type { CurrentModel } from './current-model';
import { levelWeight } from './match-model';

@ObjectType({ description: 'One level of a comparison, with what the model learned of it.' })
export class MatchLevelView {
  @Aggregated()
  @Field()
  label!: string;

  @Aggregated()
  @Field(() => Float, { description: 'How often two records of one person compare at this level.' })
  m!: number;

  @Aggregated()
  @Field(() => Float, { description: 'How often two records of different people do.' })
  u!: number;

  @Aggregated()
  @Field(() => Float, { description: 'log2(m/u): bits of evidence for one person (positive) or against (negative).' })
  weight!: number;
}

@ObjectType({ description: 'A comparison of one personal attribute, graded into levels from the strongest agreement to disagreement.' })
export class MatchComparisonView {
  @Aggregated()
  @Field()
  name!: string;

  @Aggregated()
  @Field({ description: 'The attribute compared.' })
  field!: string;

  @Aggregated()
  @Field(() => [MatchLevelView])
  levels!: MatchLevelView[];
}

@ObjectType({ description: 'The probabilistic matching model in force (Fellegi-Sunter), as `npm run match:train` estimated it.' })
export class MatchModelView {
  @Aggregated()
  @Field(() => Int)
  version!: number;

  @Aggregated()
  @Field()
  trainedAt!: Date;

  @Aggregated()
  @Field(() => Int, { description: 'Records with personal attributes it was trained on.' })
  records!: number;

  @Aggregated()
  @Field(() => Int, { description: 'Candidate pairs (sharing a blocking key) expectation maximisation ran over.' })
  pairs!: number;

  @Aggregated()
  @Field(() => Float, { description: 'Probability that two records drawn at random are one person.' })
  prior!: number;

  @Aggregated()
  @Field(() => Float, { description: 'Match probability at or above which a candidate is merged.' })
  mergeThreshold!: number;

  @Aggregated()
  @Field(() => Float, { description: 'Match probability from which a candidate goes to review.' })
  reviewThreshold!: number;

  @Aggregated()
  @Field(() => [MatchComparisonView])
  comparisons!: MatchComparisonView[];
}

@Resolver()
export class MatchModelResolver {
  constructor(private readonly current: CurrentModel) {}

  @Aggregated()
  @Query(() => MatchModelView, { nullable: true, description: 'The matching model in force, each comparison with its levels, m, u and match weight; null before one was trained.' })
  async matchModel(): Promise<MatchModelView | null> {
    const stored = await this.current.get();
    if (!stored) return null;
    const { model } = stored;
    return {
      version: stored.version,
      trainedAt: new Date(model.trainedAt),
      records: model.records,
      pairs: model.pairs,
      prior: model.prior,
      mergeThreshold: model.thresholds.merge,
      reviewThreshold: model.thresholds.review,
      comparisons: model.comparisons.map((c) => ({ ...c, levels: c.levels.map((l) => ({ ...l, weight: levelWeight(l) })) })),
    };
  }
}
