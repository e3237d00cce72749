import { upsertSourceRecords } from '../support/ingest';
import { population } from '../support/people';
import { sourceRecord } from '../support/records';
import { gql, gqlErrors, startTestApp, unique, type TestApp } from '../support/test-app';
import { ANONYMOUS } from '../../src/auth/principal';
import { trainModel } from '../../src/identity/matching/train-model';

const MODEL = `{ matchModel { version trainedAt records pairs prior mergeThreshold reviewThreshold comparisons { name field levels { label m u weight } } } }`;

/** A model is trained from the evidence log, saved as a new version, and shown with each level's m, u and weight. */
describe('match model', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('trains on the records the evidence log kept, of one source, and is shown as the version in force', async () => {
    const source = unique('people').toLowerCase();
    const data = population(200, 80, 11);
    const records = data.map(({ record }, i) =>
      sourceRecord({
        source,
        externalId: `r${i}`,
        attributes: { firstName: record.firstName, lastName: record.lastName, birthday: record.birthday, street: record.street, city: record.city, postalCode: record.postalCode },
      }),
    );
    for (let i = 0; i < records.length; i += 100) await upsertSourceRecords(app, records.slice(i, i + 100));

    const training = await app.services.matchModels.trainingRecords(source);
    expect(training).toHaveLength(280);
    expect(training[0]).toEqual(expect.objectContaining({ firstName: expect.any(String), birthday: expect.stringMatching(/^\d{8}$/) }));
    const before = (await app.services.matchModels.latest())?.version ?? 0;
    const version = await app.services.matchModels.save(trainModel(training, { randomPairs: 20_000 }));
    expect(version).toBe(before + 1);

    const { matchModel } = await gql(app, MODEL);
    expect(matchModel).toMatchObject({ version, records: 280, mergeThreshold: 0.99, reviewThreshold: 0.5 });
    expect(matchModel.comparisons.map((c: { field: string }) => c.field)).toEqual([
      'firstName', 'lastName', 'birthday', 'street', 'city', 'postalCode', 'state', 'phone', 'emailLocal',
    ]);
    for (const comparison of matchModel.comparisons) {
      for (const level of comparison.levels) expect(level.weight).toBeCloseTo(Math.log2(level.m / level.u), 9);
    }
    const born = matchModel.comparisons.find((c: { field: string }) => c.field === 'birthday');
    expect(born.levels[0]).toMatchObject({ label: 'exact' });
    expect(born.levels[0].weight).toBeGreaterThan(0);
  });

  it('is shown to any authenticated reader, and to no one else', async () => {
    expect((await gqlErrors(app, '{ matchModel { version } }', {}, ANONYMOUS)).errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await gqlErrors(app, '{ matchModel { version } }')).errors).toEqual([]);
  });
});
