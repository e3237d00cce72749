import { identify } from '../support/events';
import { ingestEvents } from '../support/ingest';
import { as, gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const STEWARD = as('steward', { subject: 'steward-ria' });
const RETIRE = `mutation($type: IdentifierType!, $value: String!, $from: DateTimeISO, $reason: String!) {
  retireIdentifier(type: $type, value: $value, from: $from, reason: $reason) { id kind actor note customerIds customerId }
}`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id status identifiers { type value } } }`;
const BY_IDENTIFIER = `query($type: IdentifierType!, $value: String!) { customerByIdentifier(type: $type, value: $value) { id identifiers { type value } } }`;
const REBUILD = `query($id: ID!) { rebuildCustomer(id: $id) { identical } }`;

type Identified = { id: string; identifiers: { type: string; value: string }[] };

describe('retireIdentifier: a recycled phone number, a reassigned address', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const values = (c: Identified) => c.identifiers.map((i) => `${i.type}:${i.value}`).sort();
  const customer = async (id: string) => (await gql<{ customer: Identified & { status: string } }>(app, CUSTOMER, { id })).customer;
  const holder = async (type: string, value: string) => (await gql<{ customerByIdentifier: Identified | null }>(app, BY_IDENTIFIER, { type, value })).customerByIdentifier;
  const identical = async (id: string) => (await gql<{ rebuildCustomer: { identical: boolean } }>(app, REBUILD, { id }, STEWARD)).rebuildCustomer.identical;

  it('takes the identifier from its holder: the next item bringing it names someone new, and the two stay apart', async () => {
    const u = unique('retire');
    const email = `${u}@retire.test`;
    const [old] = (await ingestEvents(app, [identify({ userId: `${u}-old`, traits: { email } })])).results;
    const { retireIdentifier: decision } = await gql<{ retireIdentifier: Record<string, unknown> }>(app, RETIRE, { type: 'EMAIL', value: ` ${email.toUpperCase()} `, reason: 'TICKET-7: address reassigned' }, STEWARD);
    expect(decision).toMatchObject({ kind: 'RETIRE', actor: 'steward-ria', note: 'TICKET-7: address reassigned', customerIds: [old.customerId], customerId: old.customerId });
    expect(values(await customer(old.customerId))).toEqual([`USER_ID:${u}-old`]);
    expect(await holder('EMAIL', email)).toBeNull();

    const [next] = (await ingestEvents(app, [identify({ userId: `${u}-new`, traits: { email } })])).results;
    expect(next).toMatchObject({ outcome: 'CREATED', conflicts: [] });
    expect(next.customerId).not.toBe(old.customerId);
    expect(values(await customer(next.customerId))).toEqual([`EMAIL:${email}`, `USER_ID:${u}-new`]);
    expect(values(await customer(old.customerId))).toEqual([`USER_ID:${u}-old`]);
    // The evidence log keeps the retirement: both customers rebuild as stored.
    expect(await identical(old.customerId)).toBe(true);
    expect(await identical(next.customerId)).toBe(true);
  });

  it('from a time in the past: what brought it since resolves without the old holder', async () => {
    const u = unique('retire');
    const email = `${u}@retire.test`;
    const [old] = (await ingestEvents(app, [identify({ userId: `${u}-old`, traits: { email } })])).results;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const changedHands = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A visitor signing up with the address after it changed hands joined the old holder, wrongly.
    const [visitor] = (await ingestEvents(app, [identify({ anonymousId: `${u}-visitor`, traits: { email } })])).results;
    expect(visitor).toMatchObject({ customerId: old.customerId, outcome: 'LINKED' });

    const { retireIdentifier: decision } = await gql<{ retireIdentifier: { customerId: string } }>(
      app,
      RETIRE,
      { type: 'EMAIL', value: email, from: changedHands.toISOString(), reason: 'TICKET-8' },
      STEWARD,
    );
    expect(decision.customerId).toBe(old.customerId);
    expect(values(await customer(old.customerId))).toEqual([`USER_ID:${u}-old`]);
    const newHolder = (await holder('ANONYMOUS_ID', `${u}-visitor`))!;
    expect(newHolder.id).not.toBe(old.customerId);
    expect(values(newHolder)).toEqual([`ANONYMOUS_ID:${u}-visitor`, `EMAIL:${email}`]);
    expect(await identical(old.customerId)).toBe(true);
    expect(await identical(newHolder.id)).toBe(true);
  });

  it('refuses what it cannot retire, changing nothing', async () => {
    const u = unique('retire');
    const email = `${u}@retire.test`;
    const [held] = (await ingestEvents(app, [identify({ userId: `${u}-a`, traits: { email } })])).results;
    const refusal = async (variables: Record<string, unknown>, principal = STEWARD) => (await gqlErrors(app, RETIRE, { type: 'EMAIL', value: email, reason: 'x', ...variables }, principal)).errors[0].extensions;
    expect(await refusal({ value: `${u}-nobody@retire.test` })).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal({ value: 'not an address' })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID' });
    expect(await refusal({ type: 'SHOE_SIZE' })).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_IDENTIFIER_TYPE' });
    expect(await refusal({ from: new Date(Date.now() + 86_400_000).toISOString() })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'from' });
    expect(await refusal({ reason: ' ' })).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'reason' });
    // Before its holder had it, no one held it: nothing to retire then.
    expect(await refusal({ from: '2001-01-01T00:00:00.000Z' })).toMatchObject({ code: 'CONFLICT', reason: 'NOT_HELD_THEN' });
    expect(await refusal({}, as('analyst'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(values(await customer(held.customerId))).toEqual([`EMAIL:${email}`, `USER_ID:${u}-a`]);
  });
});
