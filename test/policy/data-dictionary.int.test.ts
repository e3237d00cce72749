import { trainModel } from '../../src/identity/matching/train-model';
import { trainingPopulation } from '../support/people';
import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import type { Client } from 'graphql-ws';
import { v7 as uuidv7 } from 'uuid';
import type { Principal } from '../../src/auth/principal';
import { ROLES, type Role } from '../../src/auth/roles';
import { encodeCursor } from '../../src/shared/connection';
import { wsClient } from '../support/transports';
import { inRulesTurn } from '../support/rules-turn';
import { as, gql, startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/**
 * The data dictionary says who can read each field (and how a purpose-bound token of each role reads it); this
 * checks that against what real operations by tokens of each role get. Every operation selects everything its
 * result type has (a type met again on the way is cut to `__typename`), against data that fills every field.
 */
const PURPOSE = 'personalization';
const REFUSALS = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

type Reader = { role: Role; mode: string; purposeBound: 'SAME' | 'CONSENTING_CUSTOMERS' | 'REFUSED' };
type Dictionary = Map<string, Reader[]>;
type Variant = { role: Role; bound: boolean };
type Observed = { read: Set<string>; refused: Set<string>; unexpected: string[] };
type Result = { data?: Record<string, unknown> | null; errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[] };

/** Every field of `type` and below, once per path; a type met again is cut to `__typename` (the field is still read). */
function everything(schema: GraphQLSchema, type: GraphQLNamedType, trail: readonly string[] = []): string {
  if (isLeafType(type)) return '';
  if (isAbstractType(type)) {
    return `{ __typename ${schema
      .getPossibleTypes(type)
      .map((possible) => `... on ${possible.name} ${everything(schema, possible, trail)}`)
      .join(' ')} }`;
  }
  const object = type as GraphQLObjectType;
  const below = [...trail, object.name];
  const fields = Object.values(object.getFields()).map((field) => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return field.name;
    return below.includes(named.name) ? `${field.name} { __typename }` : `${field.name} ${everything(schema, named, below)}`;
  });
  return `{ __typename ${fields.join(' ')} }`;
}

/** Which fields a response shows read (present, no refusal at that path) and refused (a refusal at that path). */
function observe(schema: GraphQLSchema, rootName: string, rootFields: readonly string[], result: Result, into: Observed): void {
  const refusedAt = new Set<string>();
  for (const error of result.errors ?? []) {
    const code = String(error.extensions?.code);
    if (!REFUSALS.has(code)) into.unexpected.push(`${code}: ${error.message} at ${error.path?.join('.')}`);
    else if (error.path) refusedAt.add(error.path.join('.'));
    // The whole operation was refused before it ran.
    else for (const field of rootFields) into.refused.add(`${rootName}.${field}`);
  }
  const walkValue = (value: unknown, type: GraphQLOutputType, path: (string | number)[]) => {
    if (value === null || value === undefined) return;
    if (isNonNullType(type)) return walkValue(value, type.ofType, path);
    if (isListType(type)) return (value as unknown[]).forEach((item, i) => walkValue(item, type.ofType, [...path, i]));
    const named = getNamedType(type);
    const object = isAbstractType(named) ? schema.getType((value as { __typename: string }).__typename) : named;
    if (isObjectType(object)) walkObject(value as Record<string, unknown>, object, path);
  };
  const walkObject = (value: Record<string, unknown>, type: GraphQLObjectType, path: (string | number)[]) => {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '__typename') continue;
      const at = [...path, key];
      (refusedAt.has(at.join('.')) ? into.refused : into.read).add(`${type.name}.${key}`);
      walkValue(inner, type.getFields()[key].type, at);
    }
  };
  // A refused non-null field nulls its parent: the refusal is still counted for the field it names.
  for (const path of refusedAt) {
    let type: GraphQLNamedType | null | undefined = schema.getType(rootName);
    let value: unknown = result.data;
    const steps = path.split('.');
    for (const [i, step] of steps.entries()) {
      if (/^\d+$/.test(step)) {
        value = (value as unknown[] | null | undefined)?.[Number(step)];
        continue;
      }
      if (!isObjectType(type)) break;
      if (i === steps.length - 1) into.refused.add(`${type.name}.${step}`);
      value = (value as Record<string, unknown> | null | undefined)?.[step];
      const named: GraphQLNamedType | undefined = type.getFields()[step] ? getNamedType(type.getFields()[step].type) : undefined;
      if (named && isAbstractType(named)) {
        const possible = schema.getPossibleTypes(named);
        type = schema.getType((value as { __typename?: string } | null | undefined)?.__typename ?? '') ?? (possible.length === 1 ? possible[0] : null);
      } else type = named;
    }
  }
  if (result.data) walkObject(result.data, schema.getType(rootName) as GraphQLObjectType, []);
}

describe('the data dictionary agrees with enforcement', () => {
  let app: TestApp;
  let url: string;
  let schema: GraphQLSchema;
  let dictionary: Dictionary;
  const u = unique('dd');
  const floor = uuidv7();
  const ids: Record<string, string> = {};
  const variants: Variant[] = ROLES.flatMap((role) => [
    { role, bound: false },
    { role, bound: true },
  ]);
  const principalOf = ({ role, bound }: Variant): Principal => as(role, { purpose: bound ? PURPOSE : undefined });
  const nameOf = ({ role, bound }: Variant) => `${role}${bound ? `+${PURPOSE}` : ''}`;
  const observations = new Map<string, Observed>();
  const observed = (variant: Variant) => {
    const name = nameOf(variant);
    if (!observations.has(name)) observations.set(name, { read: new Set(), refused: new Set(), unexpected: [] });
    return observations.get(name)!;
  };

  const ingest = (events: Record<string, unknown>[]) => app.services.ingestion.ingestEvents(events);
  const consenting = (purposes: Record<string, boolean>) => ({ consent: { categoryPreferences: purposes } });
  const customerOf = async (events: Record<string, unknown>[]) => (await ingest(events))[0].customerId!;
  /** Two people alike in every attribute, with a USER_ID each: merge protection sends the pair to review. */
  const reviewCandidate = async (v: string) => {
    const traits = { firstName: 'Tomasz', lastName: `Rev${v.replace(/[^a-z]/g, '')}`, birthday: '1971-03-09', address: { street: 'Am Markt 3', city: `${v}-city`, postalCode: '10115' } };
    await customerOf([{ messageId: `${v}-r1`, type: 'IDENTIFY', userId: `${v}-r1`, traits }]);
    const second = await customerOf([{ messageId: `${v}-r2`, type: 'IDENTIFY', userId: `${v}-r2`, traits }]);
    const [row] = await app.db.read<{ id: string }>('MATCH (m:MatchCandidate {status: "OPEN"})-[:CANDIDATE]->(:Customer {id: $id}) RETURN m.id AS id', { id: second });
    if (!row) throw new Error(`no review candidate for ${v}`);
    return row.id;
  };

  /** Customers with everything a customer can have; the ones a purpose-bound token reads consent to its purpose. */
  async function seed() {
    ids.d = await customerOf([{ messageId: `${u}-d`, type: 'IDENTIFY', userId: `${u}-d`, traits: { email: `${u}-d@dd.test` }, context: consenting({ [PURPOSE]: true }) }]);
    ids.c = await customerOf([
      {
        messageId: `${u}-c1`,
        type: 'IDENTIFY',
        userId: `${u}-c`,
        traits: {
          firstName: 'Clara', lastName: 'Dict', email: `${u}-c@dd.test`, phone: '+49 151 12345678', birthday: '1990-05-17', gender: 'f', company: `${u}-co`,
          address: { street: 'Hauptstr. 1', city: `${u}-city`, postalCode: '10115', state: 'BE', country: 'DE' },
        },
        context: { ...consenting({ [PURPOSE]: true, marketing_email: false }), device: { id: `${u}-dev`, type: 'ios', model: 'iPhone', manufacturer: 'Apple' }, os: { name: 'iOS' } },
      },
    ]);
    // A profile that said otherwise about marketing_email, merged in: merge history and a consent conflict.
    await ingest([{ messageId: `${u}-c2`, type: 'PAGE', anonymousId: `${u}-anon`, context: consenting({ marketing_email: true }) }]);
    await ingest([
      { messageId: `${u}-c3`, type: 'IDENTIFY', userId: `${u}-c`, anonymousId: `${u}-anon` },
      // Two USER_IDs cannot merge: a conflict with d.
      { messageId: `${u}-c4`, type: 'IDENTIFY', userId: `${u}-c`, traits: { email: `${u}-d@dd.test` } },
      { messageId: `${u}-c5`, type: 'TRACK', event: 'Viewed', userId: `${u}-c` },
    ]);
    await app.services.ingestion.upsertSourceRecords([
      { source: 'crm', externalId: `${u}-crm`, updatedAt: '2026-01-01T00:00:00Z', attributes: { jobTitle: 'x' }, identifiers: [{ type: 'USER_ID', value: `${u}-c` }] },
    ]);
    const [twin] = await app.services.ingestion.upsertSourceRecords([
      {
        source: 'shop',
        externalId: `${u}-twin`,
        updatedAt: '2026-01-01T00:00:00Z',
        attributes: { firstName: 'Clara', lastName: 'Dict', birthday: '1990-05-17', street: 'Hauptstr. 1', city: `${u}-city`, postalCode: '10115' },
      },
    ]);
    if (twin.outcome !== 'MERGED' || twin.customerId !== ids.c) throw new Error(`the twin record did not merge into c on its score: ${JSON.stringify(twin)}`);
    const [letter] = await ingest([{ messageId: `${u}-dl`, type: 'NOPE', userId: `${u}-c` }]);
    ids.letter = letter.deadLetterId!;
    const segment = await gql(app, `mutation($d: JSON!) { createSegment(name: "${u}-consenting", definition: $d) { id } }`, { d: { consent: PURPOSE } });
    ids.segment = segment.createSegment.id;
    ids.erased = await customerOf([{ messageId: `${u}-e`, type: 'IDENTIFY', userId: `${u}-e` }]);
    ids.erasure = (await gql(app, `mutation { eraseCustomer(id: "${ids.erased}", reason: "dictionary test") { id } }`)).eraseCustomer.id;
    // Finished, so it has counts to show.
    for (let waited = 0; waited < 30_000; waited += 100) {
      if ((await gql(app, `{ erasureRequest(id: "${ids.erasure}") { status } }`)).erasureRequest.status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    ids.listener = await customerOf([{ messageId: `${u}-l`, type: 'IDENTIFY', userId: `${u}-l` }]);
    // The review queue and the record of steward decisions have something to show.
    await reviewCandidate(`${u}-q`);
    const apart = [await customerOf([{ messageId: `${u}-k1`, type: 'IDENTIFY', anonymousId: `${u}-k1` }]), await customerOf([{ messageId: `${u}-k2`, type: 'IDENTIFY', anonymousId: `${u}-k2` }])];
    await app.services.stewardship.keepApart(apart, 'dictionary test', 'steward');
    // Match rules with something to show: a proposal that would split a customer, evaluated in shadow.
    const shared = `${u}-shared@dd.test`;
    await ingest([{ messageId: `${u}-r1`, type: 'IDENTIFY', anonymousId: `${u}-r1`, traits: { email: shared } }]);
    await ingest([{ messageId: `${u}-r2`, type: 'IDENTIFY', anonymousId: `${u}-r2`, traits: { email: `${u}-r2@dd.test` } }]);
    await ingest([{ messageId: `${u}-r3`, type: 'IDENTIFY', anonymousId: `${u}-r2`, traits: { email: shared } }]);
    const splitting: number = (await gql(app, 'mutation($p: [String!]!) { proposeMatchRules(rules: { blockedPatterns: $p }, note: "dictionary test") { version } }', { p: [`^${u}-shared@`] })).proposeMatchRules.version;
    for (let waited = 0; waited < 60_000; waited += 200) {
      if ((await gql(app, `{ matchRules(version: ${splitting}) { shadow { progress { state } } } }`)).matchRules.shadow.progress.state === 'DONE') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    ids.splitting = String(splitting);
    await app.segments.population.drain();
    // A clear read for the audit trail and the export's piiReads.
    await gql(app, `{ customer(id: "${ids.c}") { email } }`);
    await app.services.audit.flush();
  }

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        GRAPHQL_MAX_DEPTH: '40',
        GRAPHQL_MAX_COST: '100000000',
        GRAPHQL_MAX_TOKENS: '100000',
        GRAPHQL_MAX_ALIASES: '100',
        RATE_LIMIT_POINTS: '100000',
        MATCH_MODE: 'SYNC',
      },
    });
    url = await app.listen('127.0.0.1', 0);
    schema = app.schema;
    // A model in force: matchModel has fields to read, and a record about c without identifiers merges on a score.
    await app.services.matchModels.save(trainModel(trainingPopulation(), { randomPairs: 10_000 }));
    await seed();
    const { dataDictionary } = await gql(app, '{ dataDictionary { name fields { name readableBy { role mode purposeBound } } } }');
    dictionary = new Map(
      (dataDictionary as { name: string; fields: { name: string; readableBy: Reader[] }[] }[]).flatMap((type) =>
        type.fields.map((field) => [`${type.name}.${field.name}`, field.readableBy] as const),
      ),
    );
  });
  afterAll(() => app.close());

  const run = async (variant: Variant, rootName: 'Query' | 'Mutation', field: string, args = '') => {
    const type = (schema.getType(rootName) as GraphQLObjectType).getFields()[field].type;
    const operation = `${rootName === 'Mutation' ? 'mutation' : 'query'} { ${field}${args} ${everything(schema, getNamedType(type))} }`;
    const response = await app.execute(operation, {}, principalOf(variant));
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    observe(schema, rootName, [field], response.body.singleResult as Result, observed(variant));
  };

  /** What every variant may do; mutations write fresh data of their own per variant. */
  async function exercise(variant: Variant, n: number) {
    const v = `${u}-${n}`;
    const queries: [string, string][] = [
      ['customer', `(id: "${ids.c}")`],
      ['customerByIdentifier', `(type: USER_ID, value: "${u}-c")`],
      ['customers', `(first: 3, after: "${encodeCursor([floor])}")`],
      ['_entities', `(representations: [{ __typename: "Customer", id: "${ids.c}" }])`],
      ['segments', '(first: 3)'],
      ['segment', `(id: "${ids.segment}")`],
      ['dataDictionary', ''],
      ['consentPurposes', ''],
      ['identifierTypes', ''],
      ['rebuildCustomer', `(id: "${ids.c}")`],
      ['matchModel', ''],
      ['matchCandidates', '(first: 3)'],
      ['stewardDecisions', '(first: 3)'],
      ['matchRules', `(version: ${ids.splitting})`],
      ['matchRuleSets', '(first: 3)'],
      ['matchRuleActivations', '(first: 3)'],
      ['_service', ''],
      ['deadLetters', '(first: 3)'],
      ['auditLog', `(customerId: "${ids.c}")`],
      ['exportCustomerData', `(id: "${ids.c}")`],
      ['erasureRequest', `(id: "${ids.erasure}")`],
    ];
    for (const [field, args] of queries) await run(variant, 'Query', field, args);

    const [{ deadLetterId }] = await ingest([{ messageId: `${v}-dl`, type: 'NOPE', userId: `${u}-c` }]);
    const erasable = await customerOf([{ messageId: `${v}-e`, type: 'IDENTIFY', userId: `${v}-e` }]);
    const [toUpdate, toDelete] = await Promise.all(
      ['u', 'x'].map(async (k) => (await gql(app, `mutation { createSegment(name: "${v}-${k}", definition: { identifier: "CRM_ID" }) { id } }`)).createSegment.id),
    );
    const anonymous = (k: string) => customerOf([{ messageId: `${v}-${k}`, type: 'IDENTIFY', anonymousId: `${v}-${k}` }]);
    const [m1, m2, k1, k2] = [await anonymous('m1'), await anonymous('m2'), await anonymous('k1'), await anonymous('k2')];
    const candidate = await reviewCandidate(`${v}-q`);
    const [u1, u2] = [await anonymous('u1'), await anonymous('u2')];
    const [i1, i2] = [await anonymous('i1'), await anonymous('i2')];
    await app.services.stewardship.mergeCustomers([u1, u2], 'dictionary test', 'steward');
    const merged = await gql(app, `{ customer(id: "${u1}") { mergeHistory { id } } }`);
    await ingest([{ messageId: `${v}-ret`, type: 'IDENTIFY', userId: `${v}-ret`, traits: { email: `${v}-ret@dd.test` } }]);
    // A change that concerns no one (its pattern matches nothing), put in force and rolled back by those who may.
    const inForce = (await gql(app, '{ matchRules { version } }')).matchRules.version;
    const noop = (await gql(app, `mutation { proposeMatchRules(rules: { blockedPatterns: ["^${v}-noop$"] }, note: "dictionary test") { version } }`)).proposeMatchRules.version;
    const mutations: [string, string][] = [
      // Linked to c, with d's email (a conflict), a phone that is no phone (dropped), and a rejected item.
      ['ingestEvents', `(events: [{ messageId: "${v}-1", type: "IDENTIFY", userId: "${u}-c", traits: { email: "${u}-d@dd.test", phone: "12" } }, { messageId: "${v}-2", type: "NOPE", userId: "${u}-c" }])`],
      ['upsertSourceRecords', `(records: [{ source: "crm", externalId: "${v}-crm", updatedAt: "2026-01-02T00:00:00Z", identifiers: [{ type: "USER_ID", value: "${u}-c" }] }])`],
      ['resubmitDeadLetter', `(id: "${deadLetterId}", event: { messageId: "${v}-dl", type: "IDENTIFY", userId: "${u}-c" })`],
      ['setConsent', `(customerId: "${ids.c}", purpose: "analytics", status: GRANTED, source: "web", occurredAt: "2026-02-${String(n + 1).padStart(2, '0')}T00:00:00Z")`],
      ['eraseCustomer', `(id: "${erasable}", reason: "dictionary test")`],
      ['createSegment', `(name: "${v}-c", definition: { identifier: "CRM_ID" })`],
      ['updateSegment', `(id: "${toUpdate}", description: "${v}")`],
      ['deleteSegment', `(id: "${toDelete}")`],
      ['mergeCustomers', `(ids: ["${m1}", "${m2}"], reason: "dictionary test")`],
      ['keepCustomersApart', `(ids: ["${k1}", "${k2}"], reason: "dictionary test")`],
      ['resolveMatchCandidate', `(id: "${candidate}", decision: KEEP_APART, note: "dictionary test")`],
      ['unmergeCustomer', `(mergeId: "${merged.customer.mergeHistory[0].id}", reason: "dictionary test")`],
      ['importMatchDecisions', `(decisions: [{ a: { customerId: "${i1}" }, b: { customerId: "${i2}" }, verdict: DIFFERENT }], source: "dictionary")`],
      ['retireIdentifier', `(type: EMAIL, value: "${v}-ret@dd.test", reason: "dictionary test")`],
      ['proposeMatchRules', `(rules: { blockedPatterns: ["^${v}-proposed$"] }, note: "dictionary test")`],
      ['activateMatchRules', `(version: ${noop}, reason: "dictionary test")`],
      ['rollbackMatchRules', `(toVersion: ${inForce}, reason: "dictionary test")`],
    ];
    for (const [field, args] of mutations) await run(variant, 'Mutation', field, args);
  }

  /** Every variant subscribes to everything at once; one consent change and one new review candidate then reach all four subscriptions. */
  async function exerciseSubscriptions() {
    const subscriptionType = schema.getSubscriptionType()!;
    const subscriptions: [string, string][] = [
      ['customerChanged', `(id: "${ids.listener}")`],
      ['consentChanged', `(customerId: "${ids.listener}")`],
      ['segmentMembershipChanged', `(segmentIds: ["${ids.segment}"])`],
      ['matchCandidateAdded', ''],
    ];
    const clients: Client[] = [];
    const pending: { variant: Variant; field: string; result: Promise<Result> }[] = [];
    for (const variant of variants) {
      const client = wsClient(url, await tokenFor(app, variant.role, { purpose: variant.bound ? PURPOSE : undefined }));
      clients.push(client);
      for (const [field, args] of subscriptions) {
        const query = `subscription { ${field}${args} ${everything(schema, getNamedType(subscriptionType.getFields()[field].type))} }`;
        const result = new Promise<Result>((resolve) => {
          const timer = setTimeout(() => resolve({}), 15_000);
          const stop = client.subscribe(
            { query },
            {
              next: (value) => {
                clearTimeout(timer);
                stop();
                resolve(value as Result);
              },
              error: (error) => {
                clearTimeout(timer);
                resolve(Array.isArray(error) ? { errors: error } : { errors: [{ message: String(error), extensions: { code: 'SOCKET' } }] });
              },
              complete: () => {},
            },
          );
        });
        pending.push({ variant, field, result });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await gql(app, `mutation { setConsent(customerId: "${ids.listener}", purpose: "${PURPOSE}", status: GRANTED, source: "web", occurredAt: "2026-03-01T00:00:00Z") { customerId } }`);
    await reviewCandidate(`${u}-sub`);
    for (const { variant, field, result } of pending) observe(schema, 'Subscription', [field], await result, observed(variant));
    await Promise.all(clients.map((client) => client.dispose()));
  }

  it('for every role, with and without a purpose: a field is read exactly where the dictionary says it can be', async () => {
    // Activations change the rules in force for the whole database: taken in turn with other tests doing so.
    await inRulesTurn(app, async () => {
      for (const [n, variant] of variants.entries()) await exercise(variant, n);
    });
    await exerciseSubscriptions();

    const mismatches: string[] = [];
    const neverObserved = new Set(dictionary.keys());
    for (const variant of variants) {
      const seen = observed(variant);
      mismatches.push(...seen.unexpected.map((error) => `${nameOf(variant)}: unexpected ${error}`));
      for (const [field, readers] of dictionary) {
        const reader = readers.find((r) => r.role === variant.role);
        const readable = !!reader && !(variant.bound && reader.purposeBound === 'REFUSED');
        if (seen.read.has(field)) neverObserved.delete(field);
        if (readable && seen.refused.has(field)) mismatches.push(`${nameOf(variant)} was refused ${field}, which the dictionary says it can read`);
        if (!readable && seen.read.has(field)) mismatches.push(`${nameOf(variant)} read ${field}, which the dictionary says it cannot`);
        if (readable && !seen.read.has(field) && !seen.refused.has(field)) mismatches.push(`${nameOf(variant)} never reached ${field}`);
      }
    }
    expect(mismatches).toEqual([]);
    // Every field was read by someone: the data fills the whole schema, so no agreement above is vacuous.
    expect([...neverObserved].filter((field) => (dictionary.get(field) ?? []).length > 0)).toEqual([]);
  }, 900_000);

  it('says CONSENTING_CUSTOMERS wherever a token without a purpose reads a non-consenting customer and a bound one does not', async () => {
    const v = unique('ddn');
    const email = `${v}@dd.test`;
    const city = `${v}-city`;
    const refused = await customerOf([{ messageId: `${v}-1`, type: 'IDENTIFY', userId: `${v}-n`, anonymousId: `${v}-anon`, traits: { email, address: { city } } }]);
    const cityMembers = (await gql(app, `mutation($d: JSON!) { createSegment(name: "${v}", definition: $d) { id } }`, { d: { attribute: 'city', eq: city } })).createSegment.id;
    await app.segments.population.drain();
    // Where the refused customer can show up: read directly, listed, named by an ingest, a conflict, an event. (The
    // conflict is on its anonymous id: an email in c's traits would become c's own golden email.)
    const operations = (n: number) => [
      `{ customer(id: "${refused}") ${everything(schema, schema.getType('Customer')!)} }`,
      `{ customerByIdentifier(type: EMAIL, value: "${email}") { id email } }`,
      `{ _entities(representations: [{ __typename: "Customer", id: "${refused}" }]) { ... on Customer { id email } } }`,
      `{ customers(first: 1000, after: "${encodeCursor([floor])}") { edges { cursor node { id email } } pageInfo { endCursor } } }`,
      `{ segment(id: "${cityMembers}") { members { edges { cursor node { id email } } pageInfo { endCursor } } } }`,
      `mutation { ingestEvents(events: [{ messageId: "${v}-t${n}", type: "TRACK", event: "Opened", userId: "${v}-n" }, { messageId: "${v}-c${n}", type: "IDENTIFY", userId: "${u}-c", anonymousId: "${v}-anon" }]) { results { customerId conflicts { otherCustomerId } } } }`,
      `{ customer(id: "${ids.c}") { conflicts { customerId otherCustomerId identifierValue } } }`,
    ];
    const subscriptions = [
      `subscription { customerChanged(id: "${refused}") { customerId mergedInto customer { id email } } }`,
      `subscription { consentChanged(customerId: "${refused}") { customerId status } }`,
      `subscription { segmentMembershipChanged(segmentIds: ["${cityMembers}"]) { customerId change customer { id } } }`,
    ];
    const heard = new Map<string, Result[]>();
    const clients: Client[] = [];
    const runs: Variant[] = (['admin', 'service'] as const).flatMap((role) => [
      { role, bound: false },
      { role, bound: true },
    ]);
    for (const variant of runs) {
      const client = wsClient(url, await tokenFor(app, variant.role, { purpose: variant.bound ? PURPOSE : undefined }));
      clients.push(client);
      const results: Result[] = [];
      heard.set(nameOf(variant), results);
      for (const query of subscriptions) client.subscribe({ query }, { next: (r) => void results.push(r as Result), error: (e) => void results.push({ errors: e as never }), complete: () => {} });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await ingest([{ messageId: `${v}-2`, type: 'IDENTIFY', userId: `${v}-n`, traits: { address: { city: 'elsewhere' } } }]);
    await gql(app, `mutation { setConsent(customerId: "${refused}", purpose: "${PURPOSE}", status: DENIED, source: "web", occurredAt: "2026-03-01T00:00:00Z") { customerId } }`);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const encoded = encodeCursor([refused]);
    for (const [n, variant] of runs.entries()) {
      const results: { query: string; result: Result }[] = [];
      for (const query of operations(n)) {
        const response = await app.execute(query, {}, principalOf(variant));
        if (response.body.kind === 'single') results.push({ query, result: response.body.singleResult as Result });
      }
      for (const result of heard.get(nameOf(variant))!) results.push({ query: 'subscription', result });
      const text = JSON.stringify(results.map((r) => r.result));
      if (variant.bound) {
        expect([text.includes(refused), text.includes(email), text.includes(encoded)]).toEqual([false, false, false]);
        continue;
      }
      // Without a purpose the same operations show the customer (else this test could not fail), and every field that
      // showed its id or email is one the dictionary restricts for a bound token of the role.
      expect(text.includes(refused) && text.includes(email)).toBe(true);
      const showing = new Set<string>();
      const find = (value: unknown, type: GraphQLOutputType, typeField: string | null): void => {
        if (value === null || value === undefined) return;
        if (isNonNullType(type) || isListType(type)) {
          const inner = type.ofType as GraphQLOutputType;
          return Array.isArray(value) ? value.forEach((item) => find(item, inner, typeField)) : find(value, inner, typeField);
        }
        const named = getNamedType(type);
        if (isLeafType(named)) {
          if (typeField && (value === refused || value === email)) showing.add(typeField);
          return;
        }
        const object = isAbstractType(named) ? schema.getType((value as { __typename?: string }).__typename ?? 'Customer') : named;
        if (!isObjectType(object)) return;
        for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
          if (key !== '__typename') find(inner, object.getFields()[key].type, `${object.name}.${key}`);
        }
      };
      for (const { query, result } of results) {
        const root = query.startsWith('mutation') ? 'Mutation' : query === 'subscription' ? 'Subscription' : 'Query';
        if (result.data) find(result.data, schema.getType(root) as GraphQLObjectType, null);
      }
      const unrestricted = [...showing].filter((field) => {
        const reader = dictionary.get(field)?.find((r) => r.role === variant.role);
        return reader?.purposeBound === 'SAME';
      });
      expect(showing.size).toBeGreaterThan(5);
      expect(unrestricted).toEqual([]);
    }
    await Promise.all(clients.map((client) => client.dispose()));
  });
});
