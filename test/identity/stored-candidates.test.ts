import { observe } from '../../src/identity/golden-record';
import type { Candidates } from '../../src/identity/profile-attributes';
import { decodeCandidates, encodeCandidates } from '../../src/identity/stored-candidates';

describe('stored candidates', () => {
  const web = { source: 'web', at: '2026-01-02T00:00:00.000Z', ref: 'msg-7' };
  const crm = { source: 'crm', at: '2026-01-01T00:00:00.000Z', ref: 'RECORD:crm:42' };
  let candidates: Candidates = {};
  candidates = observe(candidates, { firstName: 'Ada', lastName: 'Lovelace', city: 'London' }, web.source, web.at, web.ref);
  candidates = observe(candidates, { firstName: 'Augusta', lastName: 'King' }, crm.source, crm.at, crm.ref);

  it('read back what was stored, every value with its own source, time and reference', () => {
    expect(decodeCandidates(encodeCandidates(candidates))).toEqual(candidates);
    expect(decodeCandidates(encodeCandidates(candidates)).lastName).toEqual(
      expect.arrayContaining([{ value: 'Lovelace', ...web }, { value: 'King', ...crm }]),
    );
  });

  it('store each observation once, however many attributes it gave', () => {
    const stored = JSON.parse(encodeCandidates(candidates)) as { observations: unknown[] };
    expect(stored.observations).toEqual(expect.arrayContaining([[web.source, web.at, web.ref], [crm.source, crm.at, crm.ref]]));
    expect(stored.observations).toHaveLength(2);
    expect(encodeCandidates(candidates).length).toBeLessThan(JSON.stringify(candidates).length / 2);
  });

  it('read candidates stored per attribute, as profiles written before hold them', () => {
    expect(decodeCandidates(JSON.stringify(candidates))).toEqual(candidates);
    expect(decodeCandidates(null)).toEqual({});
  });
});
