import { identify } from '../support/events';
import { ingestEvents } from '../support/ingest';
import { inRulesTurn } from '../support/rules-turn';
import { as, gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';

const RULES = `query($version: Int) {
  matchRules(version: $version) {
    version inForce origin proposedBy note
    rules { limits { type limit } priority shareDevices blockedPatterns modelVersion mergeThreshold reviewThreshold defaultRegion }
    shadow {
      againstVersion customersBefore customersAfter mergesGained mergesLost
      byCause { cause before after }
      examples { change customerIds causes }
      progress { state components componentsChanged componentsSkipped customersVisited }
    }
  }
}`;
const PROPOSE = `mutation($rules: MatchRulesInput!, $note: String!) { proposeMatchRules(rules: $rules, note: $note) { version inForce origin proposedBy note shadow { againstVersion progress { state } } } }`;
const ACTIVATE = `mutation($version: Int!, $reason: String!) { activateMatchRules(version: $version, reason: $reason) { id version previousVersion kind actor reason progress { state } } }`;
const ROLLBACK = `mutation($version: Int!, $reason: String!) { rollbackMatchRules(toVersion: $version, reason: $reason) { id version previousVersion kind progress { state } } }`;
const ACTIVATIONS = `{ matchRuleActivations(first: 20) { id version kind progress { state components componentsChanged } } }`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id status identifiers { type value } } }`;
const REBUILD = `query($id: ID!) { rebuildCustomer(id: $id) { identical } }`;

type Shadow = { progress: { state: string; components: number; componentsChanged: number }; [k: string]: unknown };

/** Polls until `done` holds (the rule-change walk runs in the background job of whichever instance holds its lease). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not finish: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('match rules as versioned data: proposal in shadow, activation, rollback', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const customer = async (id: string) => (await gql<{ customer: { id: string; status: string; identifiers: { type: string; value: string }[] } }>(app, CUSTOMER, { id })).customer;
  const values = (c: { identifiers: { value: string }[] }) => c.identifiers.map((i) => i.value).sort();

  it('evaluates a proposal without touching live data, re-resolves what it changes once activated, and goes back on a rollback', () => inRulesTurn(app, async () => {
    const u = unique('rules');
    const shared = `${u}.shared@example.com`;
    const [a] = (await ingestEvents(app, [identify({ anonymousId: `${u}-c1`, traits: { email: shared } })])).results;
    const [b] = (await ingestEvents(app, [identify({ anonymousId: `${u}-c2`, traits: { email: `${u}.other@example.com` } })])).results;
    const [joined] = (await ingestEvents(app, [identify({ anonymousId: `${u}-c2`, traits: { email: shared } })])).results;
    const [alone] = (await ingestEvents(app, [identify({ anonymousId: `${u}-c9`, traits: { email: `${u}.alone@example.com` } })])).results;
    expect(joined).toMatchObject({ customerId: a.customerId, outcome: 'MERGED' });

    const { matchRules: inForce } = await gql<{ matchRules: { version: number; rules: { blockedPatterns: string[] } } }>(app, RULES, {});
    expect(inForce).toMatchObject({ inForce: true });

    // Blocking the shared address would have kept the two visitors apart.
    const pattern = `^${u}\\.shared@`;
    const { proposeMatchRules: proposal } = await gql<{ proposeMatchRules: { version: number } }>(app, PROPOSE, {
      rules: { blockedPatterns: [...inForce.rules.blockedPatterns, pattern] },
      note: 'a shared test inbox',
    });
    expect(proposal).toMatchObject({ inForce: false, origin: 'PROPOSAL', proposedBy: 'test-admin', note: 'a shared test inbox', shadow: { againstVersion: inForce.version } });
    const shadow = await eventually(
      async () => (await gql<{ matchRules: { shadow: Shadow } }>(app, RULES, { version: proposal.version })).matchRules.shadow,
      (s) => s.progress.state === 'DONE',
      'the shadow evaluation',
    );
    expect(shadow).toMatchObject({
      againstVersion: inForce.version,
      customersBefore: 1,
      customersAfter: 2,
      mergesGained: 0,
      mergesLost: 1,
      // As merge history names it: the absorbed visitor was reached through its cookie.
      byCause: [{ cause: 'IDENTIFIER:ANONYMOUS_ID', before: 1, after: 0 }],
      examples: [{ change: 'SPLIT', customerIds: [a.customerId], causes: ['IDENTIFIER:ANONYMOUS_ID'] }],
      progress: { state: 'DONE', components: 1, componentsChanged: 1, componentsSkipped: 0 },
    });
    // Nothing live changed.
    expect(values(await customer(a.customerId))).toEqual([`${u}-c1`, `${u}-c2`, `${u}.other@example.com`, shared].sort());
    // A merged profile's id reads as its survivor.
    expect((await customer(b.customerId)).id).toBe(a.customerId);

    const { activateMatchRules: activation } = await gql<{ activateMatchRules: { id: string } }>(app, ACTIVATE, { version: proposal.version, reason: 'approved' });
    expect(activation).toMatchObject({ version: proposal.version, previousVersion: inForce.version, kind: 'ACTIVATE', actor: 'test-admin', reason: 'approved' });
    const done = await eventually(
      async () => (await gql<{ matchRuleActivations: { id: string; progress: { state: string } }[] }>(app, ACTIVATIONS)).matchRuleActivations.find((x) => x.id === activation.id)!,
      (x) => x.progress.state === 'DONE',
      'the activation',
    );
    expect(done).toMatchObject({ progress: { components: 1, componentsChanged: 1 } });
    expect((await gql<{ matchRules: { version: number } }>(app, RULES, {})).matchRules.version).toBe(proposal.version);
    expect(values(await customer(a.customerId))).toEqual([`${u}-c1`]);
    expect(await customer(b.customerId)).toMatchObject({ id: b.customerId, status: 'ACTIVE' });
    expect(values(await customer(b.customerId))).toEqual([`${u}-c2`, `${u}.other@example.com`].sort());
    expect(values(await customer(alone.customerId))).toEqual([`${u}-c9`, `${u}.alone@example.com`].sort());
    for (const id of [a.customerId, b.customerId]) expect((await gql<{ rebuildCustomer: { identical: boolean } }>(app, REBUILD, { id })).rebuildCustomer.identical).toBe(true);
    // Resolution follows the rules in force: the address is now dropped as blocked.
    const [later] = (await ingestEvents(app, [identify({ anonymousId: `${u}-c5`, traits: { email: shared } })])).results;
    expect(later).toMatchObject({ outcome: 'CREATED', droppedIdentifiers: [{ type: 'EMAIL', reason: 'BLOCKED' }] });

    const { rollbackMatchRules: rollback } = await gql<{ rollbackMatchRules: { id: string } }>(app, ROLLBACK, { version: inForce.version, reason: 'inbox is real after all' });
    expect(rollback).toMatchObject({ version: inForce.version, previousVersion: proposal.version, kind: 'ROLLBACK' });
    await eventually(
      async () => (await gql<{ matchRuleActivations: { id: string; progress: { state: string } }[] }>(app, ACTIVATIONS)).matchRuleActivations.find((x) => x.id === rollback.id)!,
      (x) => x.progress.state === 'DONE',
      'the rollback',
    );
    expect(values(await customer(a.customerId))).toEqual([`${u}-c1`, `${u}-c2`, `${u}.other@example.com`, shared].sort());
    expect((await customer(b.customerId)).id).toBe(a.customerId);
    // History keeps the merge the activation undid and the one the rollback made.
    const { customer: history } = await gql<{ customer: { mergeHistory: { causeKind: string; cause: string; undoneBy: string | null }[] } }>(
      app,
      `query($id: ID!) { customer(id: $id) { mergeHistory { causeKind cause undoneBy } } }`,
      { id: a.customerId },
    );
    expect(history.mergeHistory).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ causeKind: 'EVENT', undoneBy: activation.id }),
        expect.objectContaining({ causeKind: 'DECISION', cause: rollback.id, undoneBy: null }),
      ]),
    );
    // The item ingested while the address was blocked never carried it.
    expect(values(await customer(later.customerId))).toEqual([`${u}-c5`]);
    expect((await gql<{ rebuildCustomer: { identical: boolean } }>(app, REBUILD, { id: a.customerId })).rebuildCustomer.identical).toBe(true);
  }));

  it('measures an activation from the version in force, and a rollback undoes every activation since', () =>
    inRulesTurn(app, async () => {
      const u = unique('rules');
      const [x, y] = [`${u}.x@example.com`, `${u}.y@example.com`];
      // Two customers, each two visitors joined by an address: x joins a1 and a2, y joins b1 and b2.
      const customerOf = async (anonymousId: string, email: string) => (await ingestEvents(app, [identify({ anonymousId, traits: { email } })])).results[0].customerId;
      const a = await customerOf(`${u}-a1`, x);
      await customerOf(`${u}-a2`, `${u}.a2@example.com`);
      await customerOf(`${u}-a2`, x);
      const b = await customerOf(`${u}-b1`, y);
      await customerOf(`${u}-b2`, `${u}.b2@example.com`);
      await customerOf(`${u}-b2`, y);
      const { matchRules: base } = await gql<{ matchRules: { version: number; rules: { blockedPatterns: string[] } } }>(app, RULES, {});
      const propose = async (pattern: string) =>
        (await gql<{ proposeMatchRules: { version: number } }>(app, PROPOSE, { rules: { blockedPatterns: [...base.rules.blockedPatterns, pattern] }, note: pattern })).proposeMatchRules.version;
      const activated = async (mutation: string, version: number) => {
        const key = mutation === ACTIVATE ? 'activateMatchRules' : 'rollbackMatchRules';
        const { [key]: activation } = await gql<Record<string, { id: string }>>(app, mutation, { version, reason: 'test' });
        return eventually(
          async () => (await gql<{ matchRuleActivations: { id: string; progress: { state: string } }[] }>(app, ACTIVATIONS)).matchRuleActivations.find((z) => z.id === activation.id)!,
          (z) => z.progress.state === 'DONE',
          mutation,
        );
      };
      // Both proposed against the same rules; each blocks one address.
      const [blocksX, blocksY] = [await propose(`^${u}\\.x@`), await propose(`^${u}\\.y@`)];
      await activated(ACTIVATE, blocksX);
      expect(values(await customer(a))).toEqual([`${u}-a1`]);
      // Putting the second in force unblocks x (it was not in that proposal): a is joined again, b split.
      await activated(ACTIVATE, blocksY);
      expect(values(await customer(a))).toEqual([`${u}-a1`, `${u}-a2`, `${u}.a2@example.com`, x].sort());
      expect(values(await customer(b))).toEqual([`${u}-b1`]);
      // Back to the base: every customer either activation rewrote is re-resolved.
      await activated(ROLLBACK, base.version);
      expect(values(await customer(a))).toEqual([`${u}-a1`, `${u}-a2`, `${u}.a2@example.com`, x].sort());
      expect(values(await customer(b))).toEqual([`${u}-b1`, `${u}-b2`, `${u}.b2@example.com`, y].sort());
    }));

  it('refuses bad rules, unknown versions and callers without the scope, storing nothing', async () => {
    const before = (await gql<{ matchRuleSets: unknown[] }>(app, `{ matchRuleSets(first: 100) { version } }`)).matchRuleSets.length;
    expect((await gqlErrors(app, PROPOSE, { rules: { blockedPatterns: ['('] }, note: 'x' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RULES' });
    expect((await gqlErrors(app, PROPOSE, { rules: { limits: [{ type: 'SHOE_SIZE', limit: 2 }] }, note: 'x' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_IDENTIFIER_TYPE' });
    expect((await gqlErrors(app, PROPOSE, { rules: { mergeThreshold: 0.4, reviewThreshold: 0.6 }, note: 'x' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await gqlErrors(app, PROPOSE, { rules: { modelVersion: 987_654 }, note: 'x' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    // Valid in JavaScript, not in Neo4j, which finds the customers a pattern concerns.
    expect((await gqlErrors(app, PROPOSE, { rules: { blockedPatterns: ['^[^]shared@'] }, note: 'x' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RULES' });
    // A pattern runs on the event loop: a steward previews other limits, never patterns of their own.
    const preview = `query($id: ID!, $rules: MatchRulesInput) { rebuildCustomer(id: $id, rules: $rules) { identical } }`;
    const [someone] = (await ingestEvents(app, [identify({ anonymousId: unique('rules') })])).results;
    expect((await gqlErrors(app, preview, { id: someone.customerId, rules: { blockedPatterns: ['(a+)+$'] } }, as('steward'))).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gql<{ rebuildCustomer: { identical: boolean } }>(app, preview, { id: someone.customerId, rules: { limits: [{ type: 'EMAIL', limit: 2 }] } }, as('steward'))).rebuildCustomer.identical).toBe(true);
    const { matchRules: current } = await gql<{ matchRules: { rules: { blockedPatterns: string[] } } }>(app, RULES, {});
    expect((await gqlErrors(app, PROPOSE, { rules: { blockedPatterns: current.rules.blockedPatterns }, note: 'x' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NO_CHANGE' });
    expect((await gqlErrors(app, PROPOSE, { rules: { shareDevices: false }, note: '  ' })).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'note' });
    expect((await gqlErrors(app, PROPOSE, { rules: { shareDevices: false }, note: 'x' }, as('steward'))).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gqlErrors(app, RULES, {}, as('analyst'))).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gql<{ matchRuleSets: unknown[] }>(app, `{ matchRuleSets(first: 100) { version } }`)).matchRuleSets).toHaveLength(before);

    const { matchRules: inForce } = await gql<{ matchRules: { version: number } }>(app, RULES, {});
    expect((await gqlErrors(app, ACTIVATE, { version: 987_654, reason: 'x' })).errors[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await gqlErrors(app, ACTIVATE, { version: inForce.version, reason: 'x' })).errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_IN_FORCE' });
    const { proposeMatchRules: proposal } = await gql<{ proposeMatchRules: { version: number } }>(app, PROPOSE, { rules: { limits: [{ type: 'EMAIL', limit: 4 }] }, note: 'never activated' });
    expect((await gqlErrors(app, ROLLBACK, { version: proposal.version, reason: 'x' })).errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NEVER_IN_FORCE' });
    expect((await gql<{ matchRules: { version: number } }>(app, RULES, {})).matchRules.version).toBe(inForce.version);
    // The steward reads the rules (identity:review) and decides nothing about them.
    expect((await gql<{ matchRules: { version: number } }>(app, RULES, { version: proposal.version }, as('steward'))).matchRules.version).toBe(proposal.version);
  });
});
