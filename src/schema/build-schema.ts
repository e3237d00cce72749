import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { customerReference } from '../customers/customer.reference';
import { CustomerChangeResolver } from '../changes/customer-change.resolver';
import { createAppPubSub, type AppPubSub } from '../changes/pubsub';
import { CustomerDeviceResolver } from '../customers/customer-device.resolver';
import { CustomerResolver } from '../customers/customer.resolver';
import { LinkedIdentifierResolver } from '../customers/linked-identifier.resolver';
import { DeadLetterResolver } from '../dead-letters/dead-letter.resolver';
import { IngestionResolver } from '../ingestion/ingestion.resolver';
import { PrivacyResolver } from '../privacy/privacy.resolver';

export const resolvers = [
  CustomerResolver,
  LinkedIdentifierResolver,
  CustomerDeviceResolver,
  IngestionResolver,
  DeadLetterResolver,
  CustomerChangeResolver,
  PrivacyResolver,
] as const;

const FEDERATION_LINK = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
`;

/**
 * The code-first schema as an Apollo Federation 2 subgraph: type-graphql builds it, then @apollo/subgraph adds
 * `_service` and `_entities`, with Customer entities resolved through the request's loader.
 */
export async function buildAppSchema(pubSub: AppPubSub = createAppPubSub()): Promise<GraphQLSchema> {
  const schema = await buildSchema({ resolvers: [...resolvers], validate: false, pubSub });
  const resolverMap = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  return buildSubgraphSchema({
    typeDefs: parse(FEDERATION_LINK + printSchemaWithDirectives(schema)),
    resolvers: { ...resolverMap, Customer: { ...resolverMap.Customer, ...customerReference } } as never,
  });
}
