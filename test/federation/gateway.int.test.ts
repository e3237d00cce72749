import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Role } from '../../src/auth/roles';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/** A platform team's view: this API composed with another subgraph (orders) behind an Apollo gateway. */
describe('Federation 2 subgraph', () => {
  let app: TestApp;
  let orders: ApolloServer;
  let gateway: ApolloServer;
  let customerId: string;
  const u = unique();

  beforeAll(async () => {
    app = await startTestApp();
    const customersUrl = `${await app.listen('127.0.0.1', 0)}/graphql`;
    const [result] = await app.services.ingestion.ingestEvents([
      { messageId: u, type: 'IDENTIFY', userId: `${u}-u`, traits: { email: `${u}@fed.test`, firstName: 'Grace' } },
    ]);
    customerId = result.customerId!;

    // The orders team's subgraph extends Customer with their own field, knowing only its key.
    const placed = [
      { id: `${u}-o1`, total: 42.5, customerId },
      { id: `${u}-o2`, total: 7, customerId },
    ];
    orders = new ApolloServer({
      schema: buildSubgraphSchema({
        typeDefs: parse(`
          extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
          type Customer @key(fields: "id") { id: ID! orders: [Order!]! }
          type Order { id: ID! total: Float! customer: Customer! }
          type Query { recentOrders: [Order!]! }
        `),
        resolvers: {
          Query: { recentOrders: () => placed },
          Order: { customer: (order: { customerId: string }) => ({ __typename: 'Customer', id: order.customerId }) },
          Customer: { orders: (customer: { id: string }) => placed.filter((o) => o.customerId === customer.id) },
        } as never,
      }),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url: ordersUrl } = await startStandaloneServer(orders, { listen: { port: 0, host: '127.0.0.1' } });

    // The gateway composes with a credential of its own: the SDL is not served to anonymous callers.
    const gatewayToken = await tokenFor(app, 'gateway');
    gateway = new ApolloServer({
      gateway: new ApolloGateway({
        // The supergraph passes the caller's token on; each subgraph enforces its own policy.
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource<{ authorization?: string }>({
            url,
            willSendRequest({ request, context }) {
              if (context.authorization) request.http?.headers.set('authorization', context.authorization);
            },
          }),
        supergraphSdl: new IntrospectAndCompose({
          subgraphs: [
            { name: 'customers', url: customersUrl },
            { name: 'orders', url: ordersUrl },
          ],
          introspectionHeaders: (service): Record<string, string> => (service.name === 'customers' ? { authorization: `Bearer ${gatewayToken}` } : {}),
        }),
      }),
    });
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await orders?.stop();
    await app.close();
  });

  const execute = async (query: string, role: Role = 'admin') => {
    const authorization = `Bearer ${await tokenFor(app, role)}`;
    const response = await gateway.executeOperation({ query }, { contextValue: { authorization } });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };
  const run = async (query: string, role: Role = 'admin') => {
    const result = await execute(query, role);
    expect(result.errors).toBeUndefined();
    return result.data as Record<string, any>;
  };

  it('answers one query across both subgraphs, starting from a customer', async () => {
    const data = await run(`{ customerByIdentifier(type: EMAIL, value: "${u}@fed.test") { id firstName orders { id total } } }`);
    expect(data.customerByIdentifier).toEqual({
      id: customerId,
      firstName: 'Grace',
      orders: [
        { id: `${u}-o1`, total: 42.5 },
        { id: `${u}-o2`, total: 7 },
      ],
    });
  });

  it('resolves Customer entities for the other subgraph through _entities', async () => {
    const data = await run(`{ recentOrders { id customer { id firstName email identifiers { type } } } }`);
    expect(data.recentOrders[0].customer).toEqual({
      id: customerId,
      firstName: 'Grace',
      email: `${u}@fed.test`,
      identifiers: [{ type: 'EMAIL' }, { type: 'USER_ID' }],
    });
  });

  it('applies the subgraph policy to entities fetched for the other subgraph', async () => {
    const query = `{ recentOrders { id customer { id email } } }`;
    const analyst = await run(query, 'analyst');
    expect(analyst.recentOrders[0].customer).toEqual({ id: customerId, email: `${u[0]}***@f***.test` });

    const anonymous = await gateway.executeOperation({ query });
    if (anonymous.body.kind !== 'single') throw new Error('expected a single result');
    expect(anonymous.body.singleResult.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(anonymous.body.singleResult.data)).not.toContain(`${u}@fed.test`);
  });
});
