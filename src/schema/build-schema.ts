import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CustomerResolver } from '../customers/customer.resolver';
import { DeadLetterResolver } from '../dead-letters/dead-letter.resolver';
import { IngestionResolver } from '../ingestion/ingestion.resolver';

export const resolvers = [CustomerResolver, IngestionResolver, DeadLetterResolver] as const;

export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({ resolvers: [...resolvers], validate: false });
}
