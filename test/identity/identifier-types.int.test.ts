import { identify } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const LOYALTY = { name: 'LOYALTY_ID', description: 'A loyalty card number.', fields: ['loyaltyId', 'loyalty_id'], case: 'upper', pattern: '^L[0-9]{6}$', limit: 1 };

/** An operator adds an identifier type by configuration: it normalises, links, limits, resolves and reads like a built-in one. */
describe('identifier types from configuration', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { IDENTITY_TYPES: JSON.stringify([LOYALTY]), IDENTITY_PRIORITY: 'USER_ID,LOYALTY_ID' } });
  });
  afterAll(() => app.close());

  const number = () => `L${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
  const identifiersOf = async (id: string) =>
    (await gql(app, `query($id: ID!) { customer(id: $id) { identifiers { type value why { summary } } } }`, { id })).customer.identifiers;

  it('lists the configured types with the rules in force, in resolution order', async () => {
    const { identifierTypes } = await gql(app, '{ identifierTypes { name builtIn person limit priority normalization sources } }');
    expect(identifierTypes.map((t: { name: string }) => t.name)).toEqual(['USER_ID', 'LOYALTY_ID', 'CRM_ID', 'EMAIL', 'PHONE', 'ANONYMOUS_ID', 'DEVICE_ID']);
    expect(identifierTypes[1]).toEqual({
      name: 'LOYALTY_ID',
      builtIn: false,
      person: true,
      limit: 1,
      priority: 2,
      normalization: 'trimmed, upper-cased, must match ^L[0-9]{6}$',
      sources: ['traits.loyaltyId', 'attributes.loyaltyId', 'traits.loyalty_id', 'attributes.loyalty_id'],
    });
  });

  it('reads it from traits, normalises it, links it, and finds the customer by it, written bare or as a string', async () => {
    const u = unique();
    const card = number();
    const { results } = await ingestEvents(app, [identify({ messageId: `${u}-1`, userId: `${u}-anna`, traits: { loyaltyId: ` ${card.toLowerCase()} ` } })]);
    expect(await identifiersOf(results[0].customerId)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'LOYALTY_ID', value: card })]),
    );
    const bare = await gql(app, `{ customerByIdentifier(type: LOYALTY_ID, value: "${card.toLowerCase()}") { id } }`);
    expect(bare.customerByIdentifier.id).toBe(results[0].customerId);
    const variable = await gql(app, 'query($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id } }', {
      type: 'LOYALTY_ID',
      value: card,
    });
    expect(variable.customerByIdentifier.id).toBe(results[0].customerId);

    // Another event with the card resolves to her, ahead of the email (priority), and a second card is over the limit.
    const again = await ingestEvents(app, [identify({ messageId: `${u}-2`, anonymousId: `${u}-cookie`, traits: { loyalty_id: card, email: `${u}@example.com` } })]);
    expect(again.results[0]).toMatchObject({ customerId: results[0].customerId, outcome: 'LINKED' });
    const second = await ingestEvents(app, [identify({ messageId: `${u}-3`, userId: `${u}-anna`, traits: { loyaltyId: number() } })]);
    expect(second.results[0].conflicts).toEqual([expect.objectContaining({ identifierType: 'LOYALTY_ID', reason: 'LIMIT_EXCEEDED', limit: 1 })]);
  });

  it('drops a value that does not match its pattern, and takes it from a source record', async () => {
    const u = unique();
    const dropped = await ingestEvents(app, [identify({ messageId: `${u}-1`, userId: `${u}-ben`, traits: { loyaltyId: 'X-42' } })]);
    expect(dropped.results[0].droppedIdentifiers).toEqual([{ type: 'LOYALTY_ID', reason: 'INVALID' }]);
    const card = number();
    const { results } = await upsertSourceRecords(app, [sourceRecord({ identifiers: [{ type: 'LOYALTY_ID', value: card }], attributes: { firstName: 'Ben' } })]);
    expect(results[0].outcome).toBe('CREATED');
    expect((await identifiersOf(results[0].customerId)).map((i: { type: string }) => i.type)).toEqual(['LOYALTY_ID']);
  });

  it('refuses a type this deployment does not have: per record when ingested, BAD_USER_INPUT when looked up', async () => {
    const { results } = await upsertSourceRecords(app, [sourceRecord({ identifiers: [{ type: 'NATIONAL_ID', value: '123' }] })]);
    expect(results[0]).toMatchObject({ outcome: 'REJECTED', error: { code: 'INVALID_IDENTIFIER_TYPE' } });
    const unknown = await gqlErrors(app, '{ customerByIdentifier(type: NATIONAL_ID, value: "123") { id } }');
    expect(unknown.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_IDENTIFIER_TYPE' });
    const filtered = await gqlErrors(app, '{ customers(filter: {hasIdentifierType: NATIONAL_ID}) { edges { node { id } } } }');
    expect(filtered.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_IDENTIFIER_TYPE' });
    const malformed = await gqlErrors(app, '{ customerByIdentifier(type: "email", value: "a@b.test") { id } }');
    expect(malformed.errors[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
