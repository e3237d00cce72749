import { mask, maskEmail, maskName, maskPhone } from '../../src/policy/masks';

describe('PII masks', () => {
  it('keeps the shape an analyst needs and nothing more', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@e***.com');
    expect(maskPhone('+4915112345612')).toBe('+49*********12');
    expect(maskPhone('+493023125678')).toBe('+49********78');
    expect(maskPhone('+14155550123')).toBe('+1********23');
    expect(maskName('Anna Maria')).toBe('A. M.');
    expect(mask('birthdate', '1985-03-14')).toBe('1985');
    expect(mask('redact', 'Unter den Linden 1')).toBe('***');
    expect(mask('locality', 'Berlin')).toBe('Berlin');
    expect(mask('identifier', 'u-1001', { type: 'USER_ID' })).toBe('u-1001');
    expect(mask('identifier', 'u-1001', {})).toBe('***');
    expect(mask('identifier', 'a@b.de', { type: 'EMAIL' })).toBe('a***@b***.de');
    expect(mask('json', { email: 'x@y.z', address: { city: 'Berlin' }, tags: ['a'], n: null })).toEqual({
      email: '***',
      address: { city: '***' },
      tags: ['***'],
      n: null,
    });
  });

  it('masks a JSON value of any depth, as stored before payloads were bounded', () => {
    let stored: unknown = { email: 'x@y.z', n: null };
    for (let i = 0; i < 3500; i += 1) stored = { a: stored, tags: ['t'] };
    let masked = mask('json', stored) as Record<string, unknown>;
    for (let i = 0; i < 3500; i += 1) {
      expect(Object.keys(masked)).toEqual(['a', 'tags']);
      expect(masked.tags).toEqual(['***']);
      masked = masked.a as Record<string, unknown>;
    }
    expect(masked).toEqual({ email: '***', n: null });
  });
});
