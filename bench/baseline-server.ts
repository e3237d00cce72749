import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import neo4j from 'neo4j-driver';
import { CypherRegistry } from '../src/infra/neo4j/cypher-registry';

const typeDefs = `#graphql
  enum IdentifierType { USER_ID CRM_ID EMAIL PHONE ANONYMOUS_ID DEVICE_ID }
  type Identifier { type: IdentifierType! value: String! }
  type Device { id: ID! model: String }
  type Consent { purpose: String! status: String! }
  type Customer { id: ID! firstName: String lastName: String email: String identifiers: [Identifier!]! devices: [Device!]! consents: [Consent!]! }
  type Query { customerByIdentifier(type: IdentifierType!, value: String!): Customer }
`;

/**
 * The read benchmark's yardstick: a bare Apollo Server whose one resolver runs one Cypher query through the driver.
 * No type-graphql, loaders, normalisation, error mapping or plugins: what the full stack costs is measured against it.
 * It reads the way the full stack does, one auto-commit query per lookup, so the gap is the stack's layers and
 * not a different use of the driver (a transaction function per read would slow the yardstick by a third).
 */
export async function startBaselineServer(uri: string, user: string, password: string | undefined): Promise<{ url: string; stop(): Promise<void> }> {
  const driver = neo4j.driver(uri, password ? neo4j.auth.basic(user, password) : undefined, { maxConnectionPoolSize: 64 });
  const query = new CypherRegistry().get('bench/baseline-profile');
  // Counted as the full stack counts its statements (on /metrics, by file), so the benchmark compares round trips.
  let queries = 0;
  const server = new ApolloServer({
    typeDefs,
    resolvers: {
      Query: {
        customerByIdentifier: async (_: unknown, args: { type: string; value: string }) => {
          const session = driver.session({ defaultAccessMode: neo4j.session.READ });
          try {
            queries++;
            const result = await session.run(query, { key: `${args.type}:${args.value}` });
            return result.records[0]?.get('customer') ?? null;
          } finally {
            await session.close();
          }
        },
      },
    },
  });
  await server.start();
  const app = express();
  app.get('/metrics', (_req, res) => void res.type('text/plain').send(`c360_neo4j_query_duration_seconds_count{query="bench/baseline-profile"} ${queries}\n`));
  app.use('/graphql', express.json(), expressMiddleware(server));
  const httpServer = http.createServer(app);
  httpServer.listen(0, '127.0.0.1');
  await once(httpServer, 'listening');
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    async stop() {
      await server.stop();
      httpServer.close();
      await driver.close();
    },
  };
}
