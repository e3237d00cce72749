import { keepsValue, mask, maskEmail, maskId, maskName, maskPhone, maskRef, showsPii, type AttributeMask } from '../../src/policy/masks';

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
    expect(mask('identifier', 'u-1001', { type: 'USER_ID' })).toBe('u***');
    expect(mask('identifier', 'ada@example.com', { type: 'USER_ID' })).toBe('ad***m');
    expect(mask('identifier', 'u-1001', {})).toBe('u***');
    expect(mask('identifier', 'a@b.de', { type: 'EMAIL' })).toBe('a***@b***.de');
    expect(mask('json', { email: 'x@y.z', address: { city: 'Berlin' }, tags: ['a'], n: null })).toEqual({
      email: '***',
      address: { city: '***' },
      tags: ['***'],
      n: null,
    });
  });

  // As the policy catalog gives them for golden attributes: company is not PII.
  const maskOf: AttributeMask = (attribute) =>
    (({ email: 'email', birthday: 'birthdate', lastName: 'name', city: 'locality', phone: 'phone' }) as const)[attribute as 'email'] ?? null;

  it('masks each literal of a segment rule tree like the attribute it compares, and nothing else', () => {
    const tree = {
      all: [
        { attribute: 'email', eq: 'jane.doe@example.com' },
        { not: { attribute: 'birthday', gte: '1985-03-14' } },
        { any: [{ attribute: 'lastName', in: ['Schulz', 'Meier'] }, { attribute: 'city', startsWith: 'Ber' }] },
        { attribute: 'phone', exists: true },
        { attribute: 'company', eq: 'Acme' },
        { event: 'Order Completed', count: { gte: 3 }, within: { days: 7 } },
      ],
    };
    expect(mask('ruleLiterals', tree, undefined, maskOf)).toEqual({
      all: [
        { attribute: 'email', eq: 'j***@e***.com' },
        { not: { attribute: 'birthday', gte: '1985' } },
        { any: [{ attribute: 'lastName', in: ['S.', 'M.'] }, { attribute: 'city', startsWith: 'Ber' }] },
        { attribute: 'phone', exists: true },
        { attribute: 'company', eq: 'Acme' },
        { event: 'Order Completed', count: { gte: 3 }, within: { days: 7 } },
      ],
    });
    // Without the attributes' masks, every literal goes.
    expect(mask('ruleLiterals', { attribute: 'company', eq: 'Acme' })).toEqual({ attribute: 'company', eq: '***' });
  });

  it('counts a rule tree as PII only when it compares a PII attribute with a literal', () => {
    expect(showsPii('ruleLiterals', { all: [{ attribute: 'company', eq: 'Acme' }, { attribute: 'email', exists: true }] }, maskOf)).toBe(false);
    expect(showsPii('ruleLiterals', { not: { attribute: 'email', contains: 'example' } }, maskOf)).toBe(true);
    expect(showsPii('email', 'a@b.de', maskOf)).toBe(true);
    expect(keepsValue('locality')).toBe(true);
    expect(keepsValue('birthdate')).toBe(false);
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

  it('masks ids of any content to a quarter of their characters at most, four at most, none of a short one', () => {
    expect(maskId('ab')).toBe('***');
    expect(maskId('abcd')).toBe('a***');
    expect(maskId('ada@example.com')).toBe('ad***m');
    expect(maskId('0190f3a2-7c1e-7b3a-9f00-1234567890ab')).toBe('01***ab');
    expect(maskId('😀😀😀😀😀😀😀😀')).toBe('😀***😀');
  });

  it('masks a cause but keeps what kind it is and where it came from', () => {
    expect(maskRef('RECORD:newsletter:ada@example.com')).toBe('RECORD:newsletter:ad***m');
    expect(maskRef('RECORD:crm:eu%3A42@2026-01-01T00:00:00.000Z')).toBe('RECORD:crm:eu***0Z');
    expect(maskRef('setConsent by alice@corp.example')).toBe('setConsent by al***le');
    expect(maskRef('ada@example.com-1')).toBe('ad***-1');
    expect(mask('ref', 'msg-1')).toBe('m***');
  });
});
