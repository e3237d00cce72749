import { identifierKey, type IdentifierType } from '../../src/kernel/identifier-type';
import { identityRules } from '../../src/identity/identity-rules';
import type { ResolutionItem, Snapshot } from '../../src/identity/resolution-plan';
import { planResolution } from '../../src/identity/resolution-planner';
import { COMPARISONS } from '../../src/identity/matching/comparisons';
import { matchKeysOf } from '../../src/identity/matching/match-keys';
import type { MatchModel } from '../../src/identity/matching/match-model';
import { matchRecordOf } from '../../src/identity/matching/match-record';

const id = (type: IdentifierType, value: string) => ({ type, value, key: identifierKey(type, value) });
const item = (cause: string, ...identifiers: ReturnType<typeof id>[]): ResolutionItem => ({
  causeKind: 'EVENT',
  cause,
  source: 'web',
  occurredAt: '2026-01-01T00:00:00.000Z',
  identifiers,
  observations: {},
});
const snapshot = (customers: { id: string; createdAt: string; keys: ReturnType<typeof id>[] }[], sharedDevices: string[] = []): Snapshot => ({
  sharedDevices: new Set(sharedDevices),
  owners: new Map(customers.flatMap((c) => c.keys.map((k) => [k.key, c.id] as [string, string]))),
  customers: new Map(
    customers.map((c) => [
      c.id,
      { id: c.id, createdAt: c.createdAt, candidates: {}, matchRecords: [], counts: Object.fromEntries(c.keys.map((k) => [k.type, 1])) },
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

  describe('devices', () => {
    const tablet = id('DEVICE_ID', 'tablet');
    const mum = { id: 'mum', createdAt: '2025-01-01T00:00:00.000Z', keys: [id('USER_ID', 'mum'), id('ANONYMOUS_ID', 'mum-cookie'), tablet] };
    const son = { id: 'son', createdAt: '2025-02-01T00:00:00.000Z', keys: [id('USER_ID', 'son'), id('ANONYMOUS_ID', 'son-cookie')] };

    it("resolves a visitor's own cookie before the device, so a page view lands on its member's profile", () => {
      const plan = planResolution([item('m1', tablet, id('ANONYMOUS_ID', 'son-cookie'))], snapshot([mum, son]), rules, now, sequence());
      expect(plan.items[0]).toMatchObject({ customerId: 'son', outcome: 'LINKED' });
      expect(plan.merges).toEqual([]);
    });

    it('shares a device seen with a second known person: no merge, no link, the holder loses it, a SHARED_DEVICE conflict says why', () => {
      const plan = planResolution([item('m1', tablet, id('ANONYMOUS_ID', 'son-cookie'))], snapshot([mum, son]), rules, now, sequence());
      expect(plan.sharedDevices).toEqual([{ key: tablet.key, deviceId: 'tablet', customerId: 'mum', occurredAt: '2026-01-01T00:00:00.000Z' }]);
      expect(plan.links).toEqual([]);
      expect(plan.touches.map((t) => t.key)).toEqual([id('ANONYMOUS_ID', 'son-cookie').key]);
      expect(plan.conflicts).toMatchObject([{ reason: 'SHARED_DEVICE', customerId: 'son', otherCustomerId: 'mum', identifier: tablet, limit: 1 }]);
    });

    it('still links and merges through a device while it has seen only one known person', () => {
      const visitor = { id: 'visitor', createdAt: '2025-03-01T00:00:00.000Z', keys: [id('ANONYMOUS_ID', 'guest-cookie')] };
      const plan = planResolution([item('m1', tablet, id('ANONYMOUS_ID', 'guest-cookie'))], snapshot([mum, visitor]), rules, now, sequence());
      expect(plan.items[0]).toMatchObject({ customerId: 'mum', outcome: 'MERGED' });
      expect(plan.sharedDevices).toEqual([]);
    });

    it('neither links nor merges through a shared device, and a new visitor on it gets a profile of its own', () => {
      const plan = planResolution(
        [item('m1', tablet, id('ANONYMOUS_ID', 'new-cookie')), item('m2', tablet, id('USER_ID', 'son'))],
        snapshot([{ ...mum, keys: mum.keys.filter((k) => k !== tablet) }, son], [tablet.key]),
        rules,
        now,
        sequence(),
      );
      expect(plan.items.map((i) => [i.customerId, i.outcome])).toEqual([
        ['new-001', 'CREATED'],
        ['son', 'LINKED'],
      ]);
      expect(plan.links.map((l) => l.identifier.key)).toEqual([id('ANONYMOUS_ID', 'new-cookie').key]);
      expect(plan.conflicts).toEqual([]);
    });

    it('shares a device linked earlier in the same batch, once a second known person shows up with it', () => {
      const plan = planResolution(
        [item('m1', id('USER_ID', 'dad'), tablet), item('m2', id('USER_ID', 'daughter'), tablet), item('m3', tablet, id('ANONYMOUS_ID', 'c3'))],
        snapshot([]),
        rules,
        now,
        sequence(),
      );
      expect(plan.links.map((l) => [l.identifier.key, l.customerId])).toEqual([
        [id('USER_ID', 'dad').key, 'new-001'],
        [tablet.key, 'new-001'],
        [id('USER_ID', 'daughter').key, 'new-003'],
        [id('ANONYMOUS_ID', 'c3').key, 'new-004'],
      ]);
      expect(plan.sharedDevices).toMatchObject([{ key: tablet.key, customerId: 'new-001' }]);
      expect(plan.items.map((i) => i.customerId)).toEqual(['new-001', 'new-003', 'new-004']);
    });

    it('never shares a device when merge protection is off', () => {
      const plan = planResolution(
        [item('m1', tablet, id('ANONYMOUS_ID', 'son-cookie'))],
        snapshot([mum, son]),
        { limits: rules.limits, priority: rules.priority },
        now,
        sequence(),
      );
      expect(plan.sharedDevices).toEqual([]);
      expect(plan.conflicts).toMatchObject([{ reason: 'MERGE_BLOCKED' }]);
    });
  });

  describe('probabilistic matching', () => {
    /** A model that trusts agreement: exact levels weigh about +10 bits, differences -3. */
    const model: MatchModel = {
      trainedAt: now,
      records: 100,
      pairs: 100,
      randomPairs: 100,
      iterations: 1,
      prior: 1e-4,
      comparisons: COMPARISONS.map((c) => ({
        name: c.name,
        field: c.field,
        levels: c.levels.map((label, l) => (l === 0 ? { label, m: 0.9, u: 0.001 } : l === c.levels.length - 1 ? { label, m: 0.05, u: 0.4 } : { label, m: 0.05 / (c.levels.length - 2), u: 0.1 })),
      })),
      thresholds: { merge: 0.99, review: 0.5 },
    };
    const ada = matchRecordOf({ firstName: 'Ada', lastName: 'Lovelace', birthday: '1815-12-10', street: '12 St James Square', postalCode: 'SW1Y 4JH' });
    const withMatch = (base: ResolutionItem, record = ada): ResolutionItem => ({ ...base, match: { record, keys: matchKeysOf(record) } });
    const holding = (customerId: string, keys: ReturnType<typeof id>[]) => {
      const base = snapshot([{ id: customerId, createdAt: '2025-01-01T00:00:00.000Z', keys }]);
      base.customers.get(customerId)!.matchRecords = [ada];
      return { ...base, matchCandidates: new Map(matchKeysOf(ada).map((key) => [key, [customerId]])) };
    };

    it('merges a new record into the customer its attributes match, the score as the cause', () => {
      const plan = planResolution([withMatch(item('r1'))], holding('ada', [id('USER_ID', 'ada')]), rules, now, sequence(), { model });
      expect(plan.items[0]).toMatchObject({ customerId: 'ada', outcome: 'MERGED' });
      expect(plan.merges).toEqual([
        expect.objectContaining({ survivorId: 'ada', absorbed: [expect.objectContaining({ customerId: 'new-001', match: expect.objectContaining({ probability: expect.any(Number) }) })] }),
      ]);
      expect(plan.merges[0].absorbed[0].match!.probability).toBeGreaterThanOrEqual(0.99);
      expect(plan.reviews).toEqual([]);
    });

    it('never merges on a score with a customer merge protection just refused: the pair goes to review', () => {
      const shared = id('EMAIL', 'ada@x.test');
      const plan = planResolution(
        [withMatch(item('r1', id('USER_ID', 'other-ada'), shared))],
        holding('ada', [id('USER_ID', 'ada'), shared]),
        rules,
        now,
        sequence(),
        { model },
      );
      expect(plan.items[0]).toMatchObject({ outcome: 'CREATED' });
      expect(plan.merges).toEqual([]);
      expect(plan.conflicts).toMatchObject([{ reason: 'MERGE_BLOCKED', otherCustomerId: 'ada' }]);
      expect(plan.reviews).toMatchObject([{ customerId: plan.items[0].customerId, candidateId: 'ada' }]);
    });

    it('matches nothing without a model, and writes the keys of a record that names a person', () => {
      const plan = planResolution([withMatch(item('r1'))], holding('ada', [id('USER_ID', 'ada')]), rules, now, sequence());
      expect(plan.items[0].outcome).toBe('CREATED');
      expect(plan.matchKeys).toEqual([]);
      const matched = planResolution([withMatch(item('r1'))], snapshot([]), rules, now, sequence(), { model });
      expect(matched.matchKeys.map((k) => k.key).sort()).toEqual(matchKeysOf(ada).sort());
    });
  });
});
