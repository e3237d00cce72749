import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { EnvelopeError, toRawEvents } from '../../src/streaming/segment-event';
import { basicAuthUser, WriteKeys } from '../../src/streaming/write-keys';

const receivedAt = new Date('2026-03-01T12:00:10.000Z');
const envelope = (extra: Partial<Parameters<typeof toRawEvents>[1]> = {}) => ({ source: null, receivedAt, newMessageId: () => 'edge-id', ...extra });

describe('Segment calls as RawEvents', () => {
  it('maps the spec fields, names the source of the write key and drops group calls', () => {
    const [event, ...rest] = toRawEvents(
      [
        { type: 'Track', messageId: 'm1', userId: 42, anonymousId: 'a1', event: 'Order Completed', properties: { total: 3 }, context: { ip: 'x' }, timestamp: '2026-03-01T11:00:00Z', extra: 1 },
        { type: 'group', groupId: 'acme', traits: { name: 'Acme' } },
      ],
      envelope({ source: 'web' }),
    );
    expect(rest).toEqual([]);
    expect(event).toEqual({
      messageId: 'm1',
      type: 'TRACK',
      userId: 42,
      anonymousId: 'a1',
      event: 'Order Completed',
      properties: { total: 3 },
      context: { ip: 'x' },
      timestamp: '2026-03-01T11:00:00Z',
      source: 'web',
    });
  });

  it('assigns a messageId at the edge only when there is none', () => {
    const events = toRawEvents([{ userId: 'u', messageId: '  ' }, { userId: 'u', messageId: 7 }], envelope({ type: 'identify' }));
    expect(events.map((e) => e.messageId)).toEqual(['edge-id', '7']);
  });

  it("corrects the device clock as Segment does: originalTimestamp + (receivedAt - sentAt); no time at all means receipt", () => {
    const [skewed, batchSent, none] = toRawEvents(
      [
        { userId: 'u', originalTimestamp: '2026-03-01T11:59:00.000Z', sentAt: '2026-03-01T11:59:30.000Z' },
        { userId: 'u', originalTimestamp: '2026-03-01T11:59:00.000Z' },
        { userId: 'u' },
      ],
      envelope({ type: 'page', sentAt: '2026-03-01T12:00:00.000Z' }),
    );
    expect(skewed.timestamp).toBe('2026-03-01T11:59:40.000Z');
    expect(batchSent.timestamp).toBe('2026-03-01T11:59:10.000Z');
    expect(none.timestamp).toBe(receivedAt.toISOString());
  });

  it('refuses a request whose calls are not objects or of an unknown type', () => {
    expect(() => toRawEvents(['x'], envelope())).toThrow(EnvelopeError);
    expect(() => toRawEvents([{ type: 'purchase' }], envelope())).toThrow(/batch\[0\]\.type/);
  });
});

describe('write keys', () => {
  it('reads the username of an HTTP Basic header', () => {
    expect(basicAuthUser(`Basic ${Buffer.from('key-1:').toString('base64')}`)).toBe('key-1');
    expect(basicAuthUser(`Basic ${Buffer.from('key-1').toString('base64')}`)).toBe('key-1');
    expect(basicAuthUser(`Basic ${Buffer.from(':pw').toString('base64')}`)).toBeNull();
    expect(basicAuthUser('Bearer abc')).toBeNull();
    expect(basicAuthUser(undefined)).toBeNull();
  });

  it('knows each configured key and its source', () => {
    const config = loadConfig({ AUTH_DEV_MODE: 'true', SEGMENT_WRITE_KEYS: 'k1:Web, k2' });
    const { writeKeys, devKey } = WriteKeys.fromConfig(config);
    expect(devKey).toBeNull();
    expect([writeKeys.sourceOf('k1'), writeKeys.sourceOf('k2'), writeKeys.sourceOf('k3')]).toEqual(['web', null, undefined]);
  });

  it('refuses a malformed SEGMENT_WRITE_KEYS', () => {
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', SEGMENT_WRITE_KEYS: 'k1:web:x,:web' })).toThrow(/SEGMENT_WRITE_KEYS/);
  });

  it('in dev mode without keys, generates one and keeps it across restarts; outside dev mode, accepts none', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'c360-write-key-')), 'key');
    const dev = loadConfig({ AUTH_DEV_MODE: 'true', SEGMENT_DEV_WRITE_KEY_FILE: file });
    const first = WriteKeys.fromConfig(dev);
    expect(first.devKey).toBe(readFileSync(file, 'utf8').trim());
    expect(WriteKeys.fromConfig(dev).devKey).toBe(first.devKey);
    expect(first.writeKeys.sourceOf(first.devKey!)).toBeNull();
    const production = WriteKeys.fromConfig(loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32) }));
    expect(production.devKey).toBeNull();
    expect(production.writeKeys.empty).toBe(true);
  });
});
