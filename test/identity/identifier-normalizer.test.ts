import { IdentifierNormalizer } from '../../src/identity/identifier-normalizer';

describe('identifier normalisation', () => {
  const normalizer = new IdentifierNormalizer({ defaultRegion: 'DE', blockedPatterns: ['^test@'] });
  const value = (type: Parameters<IdentifierNormalizer['normalize']>[0], raw: string) => {
    const result = normalizer.normalize(type, raw);
    return result.ok ? result.identifier.value : result.dropped.reason;
  };

  it('lower-cases and trims email, and refuses what is not an address', () => {
    expect(value('EMAIL', '  Anna.Schmidt@Example.COM ')).toBe('anna.schmidt@example.com');
    expect(value('EMAIL', 'anna@')).toBe('INVALID');
  });

  it('writes phones in E.164, national numbers in the configured default region', () => {
    expect(value('PHONE', '030 1234567')).toBe('+49301234567');
    expect(value('PHONE', '+1 (415) 555-2671')).toBe('+14155552671');
    expect(value('PHONE', '12')).toBe('INVALID');
  });

  it('reads a national number in the region the item tells, then in the default region, and only then drops it', () => {
    const us = new IdentifierNormalizer({ defaultRegion: 'US', blockedPatterns: [] });
    const phone = (raw: string, region: Parameters<IdentifierNormalizer['normalize']>[2]) => {
      const result = us.normalize('PHONE', raw, region);
      return result.ok ? result.identifier.value : result.dropped.reason;
    };
    expect(phone('030 1234567', 'DE')).toBe('+49301234567');
    expect(phone('030 1234567', null)).toBe('INVALID');
    // Not a number in France, but one in the default region.
    expect(phone('(415) 555-2671', 'FR')).toBe('+14155552671');
    // A number with its country code is the same whatever the item tells.
    expect(phone('+44 20 7946 0958', 'DE')).toBe('+442079460958');
    expect(phone('12', 'DE')).toBe('INVALID');
  });

  it.each(['', '   ', '0', '0000-000', '-1', 'null', 'NULL', 'anonymous', 'undefined'])('blocks the placeholder %p', (raw) => {
    expect(value('USER_ID', raw)).toBe('BLOCKED');
  });

  it('applies configured blocked patterns after the defaults', () => {
    expect(value('EMAIL', 'test@example.com')).toBe('BLOCKED');
    expect(value('USER_ID', 'u-42')).toBe('u-42');
  });

  it('refuses values with a NUL character or a lone surrogate, of every type; a surrogate pair is fine', () => {
    for (const type of ['USER_ID', 'CRM_ID', 'ANONYMOUS_ID', 'DEVICE_ID', 'EMAIL', 'PHONE'] as const) {
      expect(value(type, type === 'PHONE' ? '030 1234567\u0000' : 'u-42\u0000@example.com')).toBe('INVALID');
      expect(value(type, type === 'PHONE' ? '\ud800030 1234567' : 'u-42\udc00@example.com')).toBe('INVALID');
    }
    expect(value('USER_ID', 'u-\ud83d\ude00')).toBe('u-\ud83d\ude00');
  });
});
