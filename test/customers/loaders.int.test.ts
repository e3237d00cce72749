import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { encodeCursor } from '../../src/shared/connection';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

/** Reads must cost a constant number of Neo4j queries, however many customers they touch. */
describe('per-request DataLoaders', () => {
  let app: TestApp;
  let ids: string[];
  beforeAll(async () => {
    // 100 aliased profiles and pages of 100 are past the default abuse limits (aliases 15, tokens 1,000, cost
    // 5,000): raised here, as a deployment with such reads would, since this file measures batching, not limits.
    app = await startTestApp({ env: { GRAPHQL_MAX_ALIASES: '100', GRAPHQL_MAX_TOKENS: '5000', GRAPHQL_MAX_COST: '10000' } });
    const u = unique();
    const events = Array.from({ length: 100 }, (_, i) => ({
      messageId: `${u}-${i}`,
      type: 'IDENTIFY',
      userId: `${u}-user-${i}`,
      traits: { email: `${u}-${i}@loaders.test`, firstName: `N${i}` },
      context: { device: { id: `${u}-dev-${i}`, model: 'Pixel 8' }, consent: { categoryPreferences: { analytics: i % 2 === 0 } } },
    }));
    ids = (await app.services.ingestion.ingestEvents(events)).map((r) => r.customerId!);
  });
  afterAll(() => app.close());

  // Reads only: the audit trail's batched writes of clear PII reads happen beside the request, not for it, and
  // the app's timers (outbox relay, evaluation and erasure resumers) may fire while a request runs.
  const registry = new CypherRegistry();
  const BESIDE_THE_REQUEST = /^(audit|feed|jobs)\/|^segments\/(pending-evaluations|due-rechecks|next-recheck)$|^privacy\/erasure-pending$|^rules\/pending-(activation|shadow)$/;
  async function countQueries(run: () => Promise<unknown>) {
    let queries = 0;
    const stop = app.db.onQuery((query) => {
      if (!BESIDE_THE_REQUEST.test(registry.nameOf(query))) queries++;
    });
    try {
      await run();
    } finally {
      stop();
    }
    return queries;
  }

  const byIds = (list: string[]) =>
    `{ ${list
      .map((id, i) => `c${i}: customer(id: "${id}") { id firstName identifiers { type value } devices { id } consents { purpose status } }`)
      .join('\n')} }`;

  it('reads 100 customers by id with identifiers, devices and consents in one query', async () => {
    let data: Record<string, { id: string; identifiers: unknown[]; devices: unknown[]; consents: unknown[] }> = {};
    const queries = await countQueries(async () => {
      data = await gql(app, byIds(ids));
    });
    expect(Object.keys(data)).toHaveLength(100);
    expect(Object.values(data).every((c) => c.identifiers.length === 3 && c.devices.length === 1 && c.consents.length === 1)).toBe(true);
    expect(queries).toBe(1);
    expect(await countQueries(() => gql(app, byIds(ids.slice(0, 10))))).toBe(queries);
  });

  it('answers a profile lookup by identifier, with identifiers, devices and consents, in one query', async () => {
    const { customerByIdentifier } = await gql(app, `{ customerByIdentifier(type: USER_ID, value: "x") { id } }`);
    expect(customerByIdentifier).toBeNull();
    const first = (await gql(app, byIds([ids[0]]))).c0;
    const lookUp = `{ customerByIdentifier(type: EMAIL, value: "${first.identifiers.find((i: { type: string }) => i.type === 'EMAIL').value}") {
      id identifiers { type value } devices { id } consents { purpose status } } }`;
    let found: { customerByIdentifier: { id: string } } | undefined;
    expect(await countQueries(async () => void (found = await gql(app, lookUp)))).toBe(1);
    expect(found!.customerByIdentifier.id).toBe(ids[0]);
  });

  it('lets concurrent requests that select the same share one profile query, each answered with its own customer', async () => {
    const profiles = (await gql(app, byIds(ids.slice(0, 20)))) as Record<string, { id: string; identifiers: { type: string; value: string }[] }>;
    const emails = Object.values(profiles).map((c) => ({ id: c.id, email: c.identifiers.find((i) => i.type === 'EMAIL')!.value }));
    const LOOKUP = `query($value: String!) { customerByIdentifier(type: EMAIL, value: $value) { id firstName devices { id } } }`;
    const OTHER_SELECTION = `query($value: String!) { customerByIdentifier(type: EMAIL, value: $value) { id consents { purpose } } }`;
    let answers: { customerByIdentifier: { id: string } }[] = [];
    const queries = await countQueries(async () => {
      answers = await Promise.all([
        ...emails.map(({ email }) => gql(app, LOOKUP, { value: email })),
        ...emails.slice(0, 5).map(({ email }) => gql(app, OTHER_SELECTION, { value: email })),
      ]);
    });
    expect(answers.map((a) => a.customerByIdentifier.id)).toEqual([...emails.map((e) => e.id), ...emails.slice(0, 5).map((e) => e.id)]);
    // One query per selection, not one per request.
    expect(queries).toBe(2);
  });

  it('pages through customers with their relations in a constant number of queries', async () => {
    const page = (first: number) =>
      `{ customers(first: ${first}) { edges { cursor node { id identifiers { type } devices { id } consents { purpose } } } pageInfo { hasNextPage endCursor } } }`;
    let data: { customers: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } | undefined;
    const queries = await countQueries(async () => {
      data = await gql(app, page(100));
    });
    expect(data!.customers.edges).toHaveLength(100);
    // The page, then the profiles of all its customers.
    expect(queries).toBe(2);
    expect(await countQueries(() => gql(app, page(5)))).toBe(queries);
  });

  it('pages by cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const { customers }: { customers: { edges: { node: { id: string } }[]; pageInfo: { endCursor: string } } } = await gql(app, `query($after: String) { customers(first: 7, after: $after) { edges { node { id } } pageInfo { endCursor hasNextPage } } }`, { after });
      seen.push(...customers.edges.map((e: { node: { id: string } }) => e.node.id));
      after = customers.pageInfo.endCursor;
    }
    const { customers: all } = await gql(app, `{ customers(first: 21) { edges { node { id } } } }`);
    expect(seen).toEqual(all.edges.map((e: { node: { id: string } }) => e.node.id));
    expect(new Set(seen).size).toBe(21);
  });

  it('returns what a root field selects exactly as a whole profile read does; a narrow selection is one query too', async () => {
    const u = unique();
    const [ingested] = await app.services.ingestion.ingestEvents([
      {
        messageId: `${u}-1`,
        type: 'IDENTIFY',
        userId: `${u}-user`,
        traits: { email: `${u}@select.test`, firstName: 'Ada', lastName: 'Byron', city: 'London' },
        context: { device: { id: `${u}-dev`, type: 'ios', model: 'iPhone' }, consent: { categoryPreferences: { analytics: true, marketing_email: false } } },
      },
    ]);
    const everything = `
      fragment Everything on Customer {
        id status redirectedFrom createdAt updatedAt firstName lastName email phone birthday gender company street city postalCode state country
        identifiers { type value firstSeen lastSeen }
        devices { id type model manufacturer os firstSeen lastSeen }
        consents { ...Statement }
        consentHistory { ...Statement }
        consentConflicts { purpose }
      }
      fragment Statement on ConsentRecord { id purpose status source occurredAt recordedAt profileId cause }`;
    // _entities reads through the whole-profile loader: the reference for what a selection-aware read must return.
    const { _entities: [whole] } = await gql(
      app,
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { ...Everything } } } ${everything}`,
      { r: [{ __typename: 'Customer', id: ingested.customerId }] },
    );
    expect(whole.consents).toHaveLength(2);
    const { customerByIdentifier, customer } = await gql(
      app,
      `{ customerByIdentifier(type: USER_ID, value: "${u}-user") { ...Everything }
         customer(id: "${ingested.customerId}") { ... on Customer { ...Everything } } } ${everything}`,
    );
    expect(customerByIdentifier).toEqual(whole);
    expect(customer).toEqual(whole);
    // Pages list by id: start just below this customer's (ids have the same length, so nothing sorts between).
    const below = whole.id.slice(0, -1) + String.fromCharCode(whole.id.charCodeAt(whole.id.length - 1) - 1);
    const { customers } = await gql(app, `query($after: String) { customers(first: 1, after: $after) { edges { node { ...Everything } } } } ${everything}`, {
      after: encodeCursor([below]),
    });
    expect(customers.edges.map((e: { node: unknown }) => e.node)).toEqual([whole]);

    let few: { customerByIdentifier: Record<string, unknown> } | undefined;
    expect(await countQueries(async () => void (few = await gql(app, `{ customerByIdentifier(type: USER_ID, value: "${u}-user") { email } }`)))).toBe(1);
    expect(few!.customerByIdentifier).toEqual({ email: `${u}@select.test` });
  });
});
