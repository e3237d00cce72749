import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { AuditResolver } from '../audit/audit.resolver';
import { customerReference } from '../customers/customer.reference';
import { CustomerChangeResolver } from '../changes/customer-change.resolver';
import { SegmentMembershipResolver } from '../changes/segment-membership.resolver';
import { ConsentResolver } from '../consent/consent.resolver';
import { createAppPubSub, type AppPubSub } from '../changes/pubsub';
import { CustomerDeviceResolver } from '../customers/customer-device.resolver';
import { CustomerResolver } from '../customers/customer.resolver';
import { LinkedIdentifierResolver } from '../customers/linked-identifier.resolver';
import { DeadLetterResolver } from '../dead-letters/dead-letter.resolver';
import { IngestionResolver } from '../ingestion/ingestion.resolver';
import { applyPolicy } from '../policy/apply-policy';
import { DataDictionaryResolver } from '../policy/data-dictionary.resolver';
import { attachCatalog, PolicyCatalog } from '../policy/policy-catalog';
import { PrivacyResolver } from '../privacy/privacy.resolver';
import { IdentifierTypesResolver } from '../identity/identifier-types.resolver';
import { RebuildResolver } from '../identity/rebuild.resolver';
import { MatchModelResolver } from '../identity/matching/match-model.resolver';
import { MatchRulesResolver } from '../identity/rules/rules.resolver';
import { CustomerSegmentsResolver, SegmentResolver } from '../segments/segment.resolver';
import { MatchCandidateResolver, StewardDecisionResolver } from '../stewardship/stewardship.resolver';
import { attachResolvers, ResolverContainer } from '../shared/resolver-container';

export const resolvers = [
  CustomerResolver,
  LinkedIdentifierResolver,
  CustomerDeviceResolver,
  IdentifierTypesResolver,
  RebuildResolver,
  MatchModelResolver,
  MatchRulesResolver,
  MatchCandidateResolver,
  StewardDecisionResolver,
  IngestionResolver,
  DeadLetterResolver,
  CustomerChangeResolver,
  SegmentMembershipResolver,
  DataDictionaryResolver,
  AuditResolver,
  ConsentResolver,
  PrivacyResolver,
  SegmentResolver,
  CustomerSegmentsResolver,
] as const;

const FEDERATION_LINK = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
`;

export type SchemaOptions = {
  /** Benchmarks only: false leaves the policy layer off. */
  policy?: boolean;
  /**
   * The resolver instances the modules built (services come in through their constructors). Without them the
   * schema can be printed and inspected, not executed.
   */
  instances?: Iterable<object>;
};

/**
 * The code-first schema as an Apollo Federation 2 subgraph: type-graphql builds it, then @apollo/subgraph adds
 * `_service` and `_entities`, with Customer entities resolved through the request's loader. The policy layer goes
 * over the finished subgraph, so it also covers `_entities` and subscriptions.
 */
export async function buildAppSchema(
  pubSub: AppPubSub = createAppPubSub(),
  { policy = true, instances }: SchemaOptions = {},
): Promise<GraphQLSchema> {
  const container = instances ? new ResolverContainer(instances) : undefined;
  container?.assertCovers(resolvers);
  const schema = await buildSchema({ resolvers: [...resolvers], validate: false, pubSub, container });
  // Classifications live in the code-first schema's extensions, which printing to SDL drops: read them first.
  const catalog = PolicyCatalog.fromCodeFirstSchema(schema);
  const resolverMap = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  const subgraph = buildSubgraphSchema({
    typeDefs: parse(FEDERATION_LINK + printSchemaWithDirectives(schema)),
    resolvers: { ...resolverMap, Customer: { ...resolverMap.Customer, ...customerReference } } as never,
  });
  const finished = policy ? applyPolicy(subgraph, catalog) : attachCatalog(subgraph, catalog);
  return container ? attachResolvers(finished, container) : finished;
}
