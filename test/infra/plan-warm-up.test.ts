import { shapeOf } from '../../src/infra/neo4j/plan-warm-up';

describe('the parameters the plan warm-up runs queries with', () => {
  it('keep the Cypher types of what a query was given and none of its values', () => {
    const params = {
      keys: ['EMAIL:ada@example.com', 'PHONE:+49301234567'],
      select: { customer: ['id', 'email'], identifiers: true },
      limit: 25,
      after: null,
      rows: [{ customerId: 'c-1', traits: { birthday: '1990-01-01' } }],
      none: [],
    };
    const shape = shapeOf(params);
    expect(shape).toEqual({
      keys: [''],
      select: { customer: [''], identifiers: false },
      limit: 0,
      after: null,
      rows: [{ customerId: '', traits: { birthday: '' } }],
      none: [],
    });
    expect(JSON.stringify(shape)).not.toMatch(/ada|49301|c-1|1990|email/);
  });

  it('stop at a bounded depth, whatever the nesting of a payload', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { inner: deep };
    expect(() => shapeOf(deep)).not.toThrow();
  });
});
