import { identifierKey, type IdentifierType } from '../../src/kernel/identifier-type';
import { identityRules } from '../../src/identity/identity-rules';
import type { ResolutionItem, Snapshot } from '../../src/identity/resolution-plan';
import { planResolution } from '../../src/identity/resolution-planner';

const id = (type: IdentifierType, value: string) => ({ type, value, key: identifierKey(type, value) });
const item = (cause: string, ...identifiers: ReturnType<typeof id>[]): ResolutionItem => ({
  causeKind: 'EVENT',
  cause,
  source: 'web',
  occurredAt: '2026-01-01T00:00:00.000Z',
  identifiers,
  observations: {},
});
const snapshot = (customers: { id: string; createdAt: string; keys: ReturnType<typeof id>[] }[]): Snapshot => ({
  owners: new Map(customers.flatMap((c) => c.keys.map((k) => [k.key, c.id] as [string, string]))),
  customers: new Map(
    customers.map((c) => [
      c.id,
      { id: c.id, createdAt: c.createdAt, candidates: {}, counts: Object.fromEntries(c.keys.map((k) => [k.type, 1])) },
    ]),
  ),
});
const sequence = () => {
  let n = 0;
  return () => `new-${String(++n).padStart(3, '0')}`;
};

describe('planResolution', () => {
  const rules = identityRules();
  const now = '2026-06-01T00:00:00.000Z';

  it('chooses the oldest customer as survivor, the smallest id on a tie', () => {
    const a = id('EMAIL', 'a@x.test');
    const b = id('EMAIL', 'b@x.test');
    const c = id('EMAIL', 'c@x.test');
    const plan = planResolution(
      [item('m1', a, b, c)],
      snapshot([
        { id: 'zzz', createdAt: '2025-01-01T00:00:00.000Z', keys: [a] },
        { id: 'bbb', createdAt: '2025-01-01T00:00:00.000Z', keys: [b] },
        { id: 'aaa', createdAt: '2025-06-01T00:00:00.000Z', keys: [c] },
      ]),
      rules,
      now,
      sequence(),
    );
    expect(plan.items[0]).toMatchObject({ customerId: 'bbb', outcome: 'MERGED' });
    expect(plan.absorptions).toEqual(
      expect.arrayContaining([
        { absorbedId: 'zzz', survivorId: 'bbb' },
        { absorbedId: 'aaa', survivorId: 'bbb' },
      ]),
    );
  });

  it('points every profile absorbed within a batch at the final survivor', () => {
    const a = id('ANONYMOUS_ID', 'a');
    const b = id('ANONYMOUS_ID', 'b');
    const old = id('EMAIL', 'old@x.test');
    const plan = planResolution(
      [item('m1', a), item('m2', b), item('m3', a, b), item('m4', b, old)],
      snapshot([{ id: 'old', createdAt: '2024-01-01T00:00:00.000Z', keys: [old] }]),
      rules,
      now,
      sequence(),
    );
    expect(plan.items.map((i) => i.outcome)).toEqual(['CREATED', 'CREATED', 'MERGED', 'MERGED']);
    expect(plan.absorptions.map((x) => x.survivorId)).toEqual(['old', 'old']);
    expect(plan.links.every((link) => link.customerId === 'old')).toBe(true);
    expect(plan.merges.map((m) => m.survivorId)).toEqual([plan.items[0].customerId, 'old']);
  });

  it('resolves identifiers in priority order, so a refused one never blocks a stronger one', () => {
    const alice = id('USER_ID', 'alice');
    const bob = id('USER_ID', 'bob');
    const shared = id('EMAIL', 'family@x.test');
    const plan = planResolution(
      [item('m1', shared, bob)],
      snapshot([{ id: 'alice', createdAt: '2025-01-01T00:00:00.000Z', keys: [alice, shared] }]),
      rules,
      now,
      sequence(),
    );
    expect(plan.items[0].outcome).toBe('CREATED');
    expect(plan.links.map((l) => l.identifier.key)).toEqual([bob.key]);
    expect(plan.conflicts).toMatchObject([{ reason: 'MERGE_BLOCKED', otherCustomerId: 'alice', identifier: shared }]);
  });
});
