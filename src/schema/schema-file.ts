import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import path from 'node:path';
import { projectRoot } from '../infra/project-root';

export const schemaFile = path.join(projectRoot, 'schema.graphql');

/** The checked-in subgraph SDL (what a supergraph composes): sorted, so it changes only when the schema does. */
export const printSchemaFile = (schema: GraphQLSchema) =>
  `# Generated from the code by \`npm run schema:print\`; a test fails when it is stale. Do not edit.\n\n${printSubgraphSchema(lexicographicSortSchema(schema))}\n`;
