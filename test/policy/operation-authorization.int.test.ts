import { postGraphQL, viaWs, wsClient } from '../support/transports';
import { as, gql, gqlErrors, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/**
 * An operation is authorised whole, before any of it runs: a refused root field refuses its siblings too, so a
 * mutation never commits beside one the caller may not run (and answers as if it had not).
 */
describe('operation authorisation', () => {
  let app: TestApp;
  let url: string;

  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
  });
  afterAll(() => app.close());

  const segmentNamed = async (name: string): Promise<{ id: string } | null> => {
    for (let after: string | null = null; ; ) {
      const { segments }: any = await gql(app, 'query($after: String) { segments(first: 100, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }', { after });
      const found = (segments.edges as { node: { id: string; name: string } }[]).find((edge) => edge.node.name === name);
      if (found) return found.node;
      if (!segments.pageInfo.hasNextPage) return null;
      after = segments.pageInfo.endCursor;
    }
  };
  const mixed = (u: string) => `mutation {
    createSegment(name: "${u}", definition: { identifier: "CRM_ID" }) { id }
    ingestEvents(events: [{ messageId: "${u}-m", type: "IDENTIFY", userId: "${u}-user" }]) { created }
  }`;
  const userKnown = async (u: string) =>
    (await gql(app, `{ customerByIdentifier(type: USER_ID, value: "${u}-user") { id } }`)).customerByIdentifier !== null;

  it('refuses a marketer createSegment beside ingestEvents whole: FORBIDDEN, and neither is written', async () => {
    const u = unique('opa');
    const { data, errors } = await gqlErrors(app, mixed(u), {}, as('marketer'));
    expect(data).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['ingestEvents'] });
    await app.segments.population.drain();
    expect(await segmentNamed(u)).toBeNull();
    expect(await userKnown(u)).toBe(false);
  });

  it('finds refused fields through aliases, fragments and inline fragments', async () => {
    const u = unique('opa');
    const query = `mutation { ...Both }
      fragment Both on Mutation {
        s: createSegment(name: "${u}", definition: { identifier: "CRM_ID" }) { id }
        ... on Mutation { i: ingestEvents(events: [{ messageId: "${u}-m", type: "IDENTIFY", userId: "${u}-user" }]) { created } }
      }`;
    const { data, errors } = await gqlErrors(app, query, {}, as('marketer'));
    expect(data).toBeUndefined();
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['ingestEvents'] });
    expect(await segmentNamed(u)).toBeNull();
  });

  it('answers HTTP 403 for a refused operation and 401 for an anonymous one, with no data', async () => {
    const u = unique('opa');
    const refused = await postGraphQL(url, { query: mixed(u) }, await tokenFor(app, 'marketer'));
    expect(refused.status).toBe(403);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await postGraphQL(url, { query: '{ segments(first: 1) { edges { cursor } } consentPurposes }' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await segmentNamed(u)).toBeNull();
  });

  it('refuses a query with one refused root field whole, reading nothing', async () => {
    const { data, errors } = await gqlErrors(app, '{ segments(first: 1) { edges { cursor } } deadLetters(first: 1) { edges { cursor } } }', {}, as('analyst'));
    expect(data).toBeUndefined();
    expect(errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['deadLetters'] });
  });

  it('does the same over graphql-ws', async () => {
    const u = unique('opa');
    const client = wsClient(url, await tokenFor(app, 'marketer'));
    try {
      const { data, errors } = await viaWs(client, mixed(u));
      expect(data).toBeUndefined();
      expect(errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', fields: ['ingestEvents'] });
    } finally {
      await client.dispose();
    }
    const anonymous = wsClient(url);
    try {
      const { errors } = await viaWs(anonymous, `mutation { ingestEvents(events: [{ messageId: "${u}-a", type: "IDENTIFY", userId: "${u}-user" }]) { created } }`);
      expect(errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await anonymous.dispose();
    }
    await app.segments.population.drain();
    expect(await segmentNamed(u)).toBeNull();
    expect(await userKnown(u)).toBe(false);
  });

  it('runs an operation whose every root field is allowed', async () => {
    const u = unique('opa');
    const { createSegment } = await gql(app, `mutation { createSegment(name: "${u}", definition: { identifier: "CRM_ID" }) { id name } }`, {}, as('marketer'));
    expect(createSegment.name).toBe(u);
    await app.segments.population.drain();
    expect((await segmentNamed(u))?.id).toBe(createSegment.id);
  });
});
