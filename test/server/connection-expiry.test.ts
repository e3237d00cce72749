import { ConnectionExpiry } from '../../src/server/connection-expiry';

describe('ConnectionExpiry', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  const at = (seconds: number) => new Date(Date.now() + seconds * 1000);

  it('ends each connection when its own token expires, the earliest first, on one timer', () => {
    const expired: string[] = [];
    const expiry = new ConnectionExpiry<string>((socket) => expired.push(socket));
    expiry.add('late', at(30));
    expiry.add('early', at(10));
    expiry.add('same time', at(10));
    expect(jest.getTimerCount()).toBe(1);

    jest.advanceTimersByTime(9_999);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(expired.sort()).toEqual(['early', 'same time']);
    jest.advanceTimersByTime(20_000);
    expect(expired).toContain('late');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('never ends a connection that closed before its token expired', () => {
    const expired: string[] = [];
    const expiry = new ConnectionExpiry<string>((socket) => expired.push(socket));
    expiry.add('closed', at(5));
    expiry.add('open', at(8));
    expiry.remove('closed');
    jest.advanceTimersByTime(10_000);
    expect(expired).toEqual(['open']);
  });

  it('waits out a token valid for longer than one timer can wait', () => {
    const expired: string[] = [];
    const expiry = new ConnectionExpiry<string>((socket) => expired.push(socket));
    const days = 40 * 24 * 3600;
    expiry.add('long-lived', at(days));
    jest.advanceTimersByTime((days - 1) * 1000);
    expect(expired).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(expired).toEqual(['long-lived']);
  });
});
