import type { Client } from 'graphql-ws';
import { principalOf } from '../../src/auth/principal';
import { identify, track } from '../support/events';
import { ingestEventsMutation, upsertSourceRecordsMutation } from '../support/ingest';
import { sourceRecord } from '../support/records';
import { wsClient } from '../support/transports';
import { as, gql, gqlErrors, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

const PURPOSE = 'marketing_email';
const CONSENT = /* GraphQL */ `
  mutation($customerId: ID!, $purpose: String!, $status: ConsentStatus!, $occurredAt: DateTimeISO!) {
    setConsent(customerId: $customerId, purpose: $purpose, status: $status, source: "preference-center", occurredAt: $occurredAt) { customerId }
  }
`;
// Results are compared whole: only what is compared is selected.
const INGEST = ingestEventsMutation('results { outcome customerId conflicts { reason otherCustomerId } }');
const UPSERT = upsertSourceRecordsMutation('results { outcome customerId }');

/**
 * A token bound to a purpose reads only customers who consent to it. It must neither grant itself that consent (by
 * any path) nor learn who the others are: their ids stay out of ingest results, conflicts, member pages and events.
 */
describe('purpose-bound tokens', () => {
  let app: TestApp;
  let url: string;
  const u = unique('pb');
  const city = `${u}-city`;
  let granted: string;
  let refused: string;
  const bound = as('service', { purpose: PURPOSE });

  beforeAll(async () => {
    app = await startTestApp();
    url = await app.listen('127.0.0.1', 0);
    // Created in this order, so the one who never consented sorts last (ids are UUIDv7).
    const consenting = { consent: { categoryPreferences: { [PURPOSE]: true } } };
    [{ customerId: granted }] = (await app.services.ingestion.ingestEvents([
      identify({ messageId: `${u}-g`, userId: `${u}-g`, traits: { email: `${u}-g@pb.test`, address: { city } }, context: consenting }),
    ])) as { customerId: string }[];
    [{ customerId: refused }] = (await app.services.ingestion.ingestEvents([
      identify({ messageId: `${u}-n`, userId: `${u}-n`, traits: { email: `${u}-n@pb.test`, address: { city } } }),
    ])) as { customerId: string }[];
  });
  afterAll(() => app.close());

  const consentOf = async (customerId: string) =>
    ((await gql(app, `{ customer(id: "${customerId}") { consentHistory { purpose status } } }`)).customer.consentHistory as { purpose: string }[]).filter(
      (statement) => statement.purpose === PURPOSE,
    );
  const readAsBound = (customerId: string) => gqlErrors(app, `{ customer(id: "${customerId}") { id email } }`, {}, bound);
  const codeOf = (response: { errors: readonly { extensions?: Record<string, unknown> }[] }) => response.errors[0]?.extensions;

  describe('may not record consent', () => {
    it('is refused setConsent, for its own purpose or any other, and still cannot read the customer', async () => {
      expect(codeOf(await readAsBound(refused))).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_CONSENT' });
      for (const purpose of [PURPOSE, 'personalization']) {
        const attempt = await gqlErrors(app, CONSENT, { customerId: refused, purpose, status: 'GRANTED', occurredAt: '2026-06-01T00:00:00Z' }, bound);
        expect(attempt.data).toBeUndefined();
        expect(codeOf(attempt)).toMatchObject({ code: 'FORBIDDEN' });
      }
      expect(await consentOf(refused)).toEqual([]);
      expect(codeOf(await readAsBound(refused))).toMatchObject({ code: 'FORBIDDEN', reason: 'NO_CONSENT' });
    });

    it('may not carry consent in events, records or a resubmitted dead letter; the whole batch is refused', async () => {
      const v = unique('pbc');
      const event = await gqlErrors(
        app,
        INGEST,
        {
          events: [
            identify({ messageId: `${v}-1`, userId: `${v}-fresh` }),
            identify({ messageId: `${v}-2`, userId: `${u}-n`, context: { consent: { categoryPreferences: { [PURPOSE]: true } } } }),
          ],
        },
        bound,
      );
      expect(codeOf(event)).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_PERMITTED', items: [1] });
      const record = await gqlErrors(
        app,
        UPSERT,
        { records: [sourceRecord({ externalId: `${v}-r`, updatedAt: '2026-06-01T00:00:00Z', identifiers: [{ type: 'USER_ID', value: `${u}-n` }], consents: [{ purpose: PURPOSE, status: 'GRANTED' }] })] },
        bound,
      );
      expect(codeOf(record)).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_PERMITTED', items: [0] });

      // A dead letter that carries consent (refused for a bad type) cannot be replayed by the purpose token either.
      const [letter] = await app.services.ingestion.ingestEvents([
        { messageId: `${v}-dl`, type: 'NOPE', userId: `${u}-n`, context: { consent: { categoryPreferences: { [PURPOSE]: true } } } },
      ]);
      const resubmit = `mutation($id: ID!, $event: IdentityEventInput) { resubmitDeadLetter(id: $id, event: $event) { outcome } }`;
      expect(codeOf(await gqlErrors(app, resubmit, { id: letter.deadLetterId }, bound))).toMatchObject({ reason: 'CONSENT_NOT_PERMITTED' });
      const corrected = identify({ messageId: `${v}-dl`, userId: `${u}-n`, context: { consent: { categoryPreferences: { [PURPOSE]: true } } } });
      expect(codeOf(await gqlErrors(app, resubmit, { id: letter.deadLetterId, event: corrected }, bound))).toMatchObject({ reason: 'CONSENT_NOT_PERMITTED' });

      expect(await consentOf(refused)).toEqual([]);
      expect((await gql(app, `{ customerByIdentifier(type: USER_ID, value: "${v}-fresh") { id } }`)).customerByIdentifier).toBeNull();
      expect(codeOf(await readAsBound(refused))).toMatchObject({ reason: 'NO_CONSENT' });
    });

    it('needs consent:write for consent inside ingested items, and nothing more for items without it', async () => {
      const v = unique('pbw');
      const ingestOnly = principalOf({ subject: 'feed', roles: [], extraScopes: ['customers:read', 'ingest:write'] });
      const withConsent = [identify({ messageId: `${v}-1`, userId: `${v}-u`, context: { consent: { categoryPreferences: { analytics: true } } } })];
      expect(codeOf(await gqlErrors(app, INGEST, { events: withConsent }, ingestOnly))).toMatchObject({ code: 'FORBIDDEN', reason: 'CONSENT_NOT_PERMITTED' });
      const plain = await gql(app, INGEST, { events: [identify({ messageId: `${v}-2`, userId: `${v}-u` })] }, ingestOnly);
      expect(plain.ingestEvents.results[0].outcome).toBe('CREATED');
      // Without a purpose, the service role records consent both ways, as before.
      const unbound = await gql(app, INGEST, { events: withConsent }, as('service'));
      expect(unbound.ingestEvents.results[0].outcome).toBe('LINKED');
    });
  });

  describe('learns nothing of customers who do not consent', () => {
    it('sees in ingest results and their conflicts only the ids of consenting customers', async () => {
      const v = unique('pbi');
      // Linking the refused customer's email to the granted one is blocked (two USER_IDs): a conflict naming it.
      const events = [
        track({ messageId: `${v}-1`, event: 'Opened', userId: `${u}-n` }),
        identify({ messageId: `${v}-2`, userId: `${u}-g`, traits: { email: `${u}-n@pb.test` } }),
      ];
      const asBound = (await gql(app, INGEST, { events }, bound)).ingestEvents.results;
      expect(asBound).toEqual([
        { outcome: 'LINKED', customerId: null, conflicts: [] },
        { outcome: 'LINKED', customerId: granted, conflicts: [{ reason: 'MERGE_BLOCKED', otherCustomerId: null }] },
      ]);
      const unboundEvents = events.map((event) => ({ ...event, messageId: `${event.messageId}-again` }));
      const asService = (await gql(app, INGEST, { events: unboundEvents }, as('service'))).ingestEvents.results;
      expect(asService.map((r: { customerId: string }) => r.customerId)).toEqual([refused, granted]);
      expect(asService[1].conflicts).toEqual([{ reason: 'MERGE_BLOCKED', otherCustomerId: refused }]);

      // The refusal shows the other customer's id and an identifier value that is theirs: not to the bound token.
      const conflicts = `{ customer(id: "${granted}") { conflicts { reason otherCustomerId identifierValue } } }`;
      expect((await gql(app, conflicts, {}, bound)).customer.conflicts).toEqual([]);
      expect((await gql(app, conflicts, {}, as('service'))).customer.conflicts).toEqual([
        { reason: 'MERGE_BLOCKED', otherCustomerId: refused, identifierValue: `${u}-n@pb.test` },
      ]);
    });

    it('gets segment member pages whose cursors never name a customer it may not see', async () => {
      const { createSegment } = await gql(app, `mutation($d: JSON!) { createSegment(name: "${u}-city", definition: $d) { id } }`, {
        d: { attribute: 'city', eq: city },
      });
      await app.segments.population.drain();
      const members = `{ segment(id: "${createSegment.id}") { members(first: 10) { edges { node { id } cursor } pageInfo { endCursor hasNextPage } } } }`;
      const all = (await gql(app, members, {}, as('service'))).segment.members;
      expect(all.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([granted, refused]);
      const page = (await gql(app, members, {}, bound)).segment.members;
      expect(page.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([granted]);
      expect(JSON.stringify(page)).not.toContain(Buffer.from(JSON.stringify([refused])).toString('base64url'));
      expect(page.pageInfo.endCursor).toBe(page.edges[0].cursor);
    });

    it('is shown no size below the minimum group size, even with pii:read: the size counts customers it may not see', async () => {
      const v = unique('pbs');
      const [{ customerId: alone }] = (await app.services.ingestion.ingestEvents([
        identify({ messageId: v, userId: v, traits: { email: `${v}@pb.test` } }),
      ])) as { customerId: string }[];
      // Authored without a purpose; its only member never consented. A size of 1 beside an empty member page would
      // confirm to the bound token that someone with this email exists and refuses its purpose.
      const { createSegment } = await gql(app, `mutation($d: JSON!) { createSegment(name: "${v}", definition: $d) { id } }`, {
        d: { attribute: 'email', eq: `${v}@pb.test` },
      });
      await app.segments.population.drain();
      const size = `{ segment(id: "${createSegment.id}") { size sizeBelow members(first: 10) { edges { node { id } } } } }`;
      expect((await gql(app, size, {}, as('service'))).segment).toEqual({ size: 1, sizeBelow: null, members: { edges: [{ node: { id: alone } }] } });
      expect((await gql(app, size, {}, bound)).segment).toEqual({ size: null, sizeBelow: 10, members: { edges: [] } });
    });

    describe('over subscriptions', () => {
      let boundClient: Client;
      let serviceClient: Client;
      beforeAll(async () => {
        boundClient = wsClient(url, await tokenFor(app, 'service', { purpose: PURPOSE }));
        serviceClient = wsClient(url, await tokenFor(app, 'service'));
      });
      afterAll(async () => {
        await boundClient.dispose();
        await serviceClient.dispose();
      });

      /** Every result of one subscription, as it arrives. */
      const listen = (client: Client, query: string) => {
        const results: any[] = [];
        const stop = client.subscribe({ query }, { next: (result) => void results.push(result), error: (error) => void results.push({ error }), complete: () => {} });
        return { results, stop };
      };
      const settle = () => new Promise((resolve) => setTimeout(resolve, 400));
      const until = async (ready: () => boolean) => {
        for (let waited = 0; !ready() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      };

      it('hears consent changes of its purpose only when they grant it or withdraw a grant', async () => {
        const v = unique('pbs');
        const [{ customerId }] = (await app.services.ingestion.ingestEvents([identify({ messageId: `${v}-1`, userId: `${v}-u` })])) as { customerId: string }[];
        const query = `subscription { consentChanged(customerId: "${customerId}") { customerId purpose status previousStatus } }`;
        const [asBound, asService] = [listen(boundClient, query), listen(serviceClient, query)];
        await settle();
        for (const [status, day] of [['DENIED', 1], ['GRANTED', 2], ['WITHDRAWN', 3], ['DENIED', 4]] as const) {
          await gql(app, CONSENT, { customerId, purpose: PURPOSE, status, occurredAt: `2026-06-0${day}T00:00:00Z` });
        }
        await gql(app, CONSENT, { customerId, purpose: 'personalization', status: 'GRANTED', occurredAt: '2026-06-05T00:00:00Z' });
        await until(() => asService.results.length === 5);
        await settle();
        asBound.stop();
        asService.stop();
        expect(asService.results).toHaveLength(5);
        expect(asBound.results.map((r) => r.data?.consentChanged && [r.data.consentChanged.previousStatus, r.data.consentChanged.status])).toEqual([
          ['DENIED', 'GRANTED'],
          ['GRANTED', 'WITHDRAWN'],
        ]);
      });

      it('hears a customer leave a segment only if the customer ever granted its purpose', async () => {
        const v = unique('pbx');
        const { createSegment } = await gql(app, `mutation($d: JSON!) { createSegment(name: "${v}", definition: $d) { id } }`, { d: { attribute: 'company', eq: v } });
        const join = (user: string, n: number, company: string) =>
          app.services.ingestion.ingestEvents([identify({ messageId: `${v}-${user}-${n}`, userId: `${u}-${user}`, traits: { company } })]);
        await join('n', 1, v);
        await join('g', 1, v);
        await app.segments.population.drain();
        // From a cursor taken now: nothing after it is missed, however long the subscriptions take to register.
        const [mark] = await app.feed.append([{ segmentId: `${v}-mark`, customerId: `${v}-none`, change: 'ENTERED', at: new Date().toISOString(), sequence: 1 }]);
        const query = `subscription { segmentMembershipChanged(segmentIds: ["${createSegment.id}"], after: "${mark.cursor}") { customerId change } }`;
        const [asBound, asService] = [listen(boundClient, query), listen(serviceClient, query)];
        await join('n', 2, 'elsewhere');
        await join('g', 2, 'elsewhere');
        await until(() => asService.results.length === 2);
        await until(() => asBound.results.length === 1);
        await settle();
        asBound.stop();
        asService.stop();
        expect(asService.results.map((r) => r.data.segmentMembershipChanged)).toEqual([
          { customerId: refused, change: 'EXITED' },
          { customerId: granted, change: 'EXITED' },
        ]);
        expect(asBound.results.map((r) => r.data.segmentMembershipChanged)).toEqual([{ customerId: granted, change: 'EXITED' }]);
      });
    });
  });
});
