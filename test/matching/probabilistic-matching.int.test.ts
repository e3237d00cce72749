import { trainModel } from '../../src/identity/matching/train-model';
import { identify } from '../support/events';
import { ingestEvents, upsertSourceRecords } from '../support/ingest';
import { trainingPopulation } from '../support/people';
import { sourceRecord } from '../support/records';
import { gql, startTestApp, unique, type TestApp } from '../support/test-app';

const HISTORY = `query($id: ID!) { customer(id: $id) { id mergeHistory { survivorId absorbed { customerId joinedBy match { probability weight modelVersion contributions { comparison level weight } } } } } }`;

/** Records that name a person are matched as they are ingested (MATCH_MODE=SYNC), with the model in force. */
describe('probabilistic matching in ingestion', () => {
  let app: TestApp;
  let version: number;
  beforeAll(async () => {
    app = await startTestApp({ env: { MATCH_MODE: 'SYNC' } });
    version = await app.services.matchModels.save(trainModel(trainingPopulation(), { randomPairs: 20_000 }));
  });
  afterAll(() => app.close());

  /**
   * A person no other test (or earlier run on the same database) has: surname, street and birth date are drawn from
   * the test's unique prefix, so that nothing but this test's own records shares their keys or scores near them.
   */
  const person = (u: string) => {
    const digits = [...u].map((c) => c.charCodeAt(0) % 10).join('');
    const letters = [...u.slice(-10)].map((c) => 'bcdfghklmnprstvz'[c.charCodeAt(0) % 16]).join('');
    return {
      firstName: 'Katharina',
      lastName: `${letters[0].toUpperCase()}${letters.slice(1)}`,
      birthday: `19${digits.slice(-2)}-0${1 + (Number(digits.slice(-3, -2)) % 9)}-1${digits.slice(-4, -3)}`,
      street: `${digits.slice(-5)} ${letters.slice(2, 8)}allee`,
      city: 'Potsdam',
      postalCode: digits.slice(-6, -1),
    };
  };

  it('merges a record with typos into the customer it matches, and explains the score', async () => {
    const u = unique();
    const source = `crm${u}`.toLowerCase();
    const first = await upsertSourceRecords(app, [sourceRecord({ source, externalId: 'a', attributes: person(u) })]);
    const second = await upsertSourceRecords(app, [
      sourceRecord({ source, externalId: 'b', attributes: { ...person(u), firstName: 'Katarina', street: `${person(u).street}.`.replace('allee', 'alee') } }),
    ]);
    expect(first.results[0].outcome).toBe('CREATED');
    expect(second.results[0]).toMatchObject({ outcome: 'MERGED', customerId: first.results[0].customerId });

    const { customer } = await gql(app, HISTORY, { id: first.results[0].customerId });
    const [merge] = customer.mergeHistory;
    expect(merge.survivorId).toBe(first.results[0].customerId);
    expect(merge.absorbed).toHaveLength(1);
    const { joinedBy, match } = merge.absorbed[0];
    expect(joinedBy).toBe('PROBABILISTIC');
    expect(match.modelVersion).toBeGreaterThanOrEqual(version);
    expect(match.probability).toBeGreaterThanOrEqual(0.99);
    expect(match.contributions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ comparison: 'first name', level: 'Jaro-Winkler >= 0.92' }),
        expect.objectContaining({ comparison: 'birth date', level: 'exact' }),
      ]),
    );
    const priorBits = match.weight - match.contributions.reduce((sum: number, c: { weight: number }) => sum + c.weight, 0);
    expect(priorBits).toBeLessThan(0);

    // The evidence log rebuilds it with the model in force.
    const { rebuildCustomer } = await gql(app, `query($id: ID!) { rebuildCustomer(id: $id) { identical merges } }`, { id: first.results[0].customerId });
    expect(rebuildCustomer).toEqual({ identical: true, merges: 1 });
  });

  it('leaves apart people who share a name but nothing else', async () => {
    const u = unique();
    const source = `crm${u}`.toLowerCase();
    const a = await upsertSourceRecords(app, [sourceRecord({ source, externalId: 'a', attributes: person(u) })]);
    const b = await upsertSourceRecords(app, [
      sourceRecord({ source, externalId: 'b', attributes: { ...person(u), birthday: '1961-11-02', street: '3 Hafenstrasse', city: 'Kiel', postalCode: '24103' } }),
    ]);
    expect(b.results[0].outcome).toBe('CREATED');
    expect(b.results[0].customerId).not.toBe(a.results[0].customerId);
  });

  it('matches within one batch, and lets merge protection win over a score', async () => {
    const u = unique();
    const source = `crm${u}`.toLowerCase();
    const batch = await upsertSourceRecords(app, [
      sourceRecord({ source, externalId: 'a', attributes: person(u) }),
      sourceRecord({ source, externalId: 'b', attributes: { ...person(u), street: `${person(u).street}.` } }),
    ]);
    expect(batch.results.map((r) => r.outcome)).toEqual(['CREATED', 'MERGED']);
    expect(batch.results[1].customerId).toBe(batch.results[0].customerId);

    const v = unique();
    const twins = await ingestEvents(app, [
      identify({ userId: `${v}-one`, traits: { ...person(v) } }),
      identify({ userId: `${v}-two`, traits: { ...person(v) } }),
    ]);
    // Two USER_IDs on one customer break its limit (1): the same attributes do not make them one.
    expect(twins.results.map((r) => r.outcome)).toEqual(['CREATED', 'CREATED']);
    expect(twins.results[1].customerId).not.toBe(twins.results[0].customerId);
  });

  it('writes no match keys for items that name no one', async () => {
    const u = unique();
    const { results } = await ingestEvents(app, [identify({ userId: `${u}-anon`, traits: { city: 'Potsdam' } })]);
    const keys = await app.db.read<{ n: number }>('MATCH (:MatchKey)-[:BLOCKS]->(c:Customer {id: $id}) RETURN count(*) AS n', { id: results[0].customerId });
    expect(keys).toEqual([{ n: 0 }]);
  });
});
