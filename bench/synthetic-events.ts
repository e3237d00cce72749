import type { RawEvent } from '../src/ingestion/event-normalizer';

/** A small deterministic PRNG, so every run ingests the same event stream. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Visitor = { n: number; anon: string; device: string | null; userId: string | null; email: string | null };

/**
 * `count` events shaped like a tracking stream: about 70% come from first-time visitors (a web page view with a
 * new anonymousId, or a mobile screen with a new anonymousId and device), about 30% reuse identifiers of earlier
 * visitors: sign-ups that link a userId and email to an anonymousId (LINKED), tracks by known users, and about one
 * in ten of those a login on a second device or browser that bridges two profiles (MERGED).
 */
export function syntheticEvents(count: number, namespace: string, seed = 42): RawEvent[] {
  const random = mulberry32(seed);
  const visitors: Visitor[] = [];
  const events: RawEvent[] = [];
  const pick = () => visitors[Math.floor(random() * visitors.length)];
  for (let i = 0; i < count; i++) {
    const messageId = `${namespace}-${i}`;
    const timestamp = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    const roll = random();
    if (visitors.length < 10 || roll < 0.7) {
      const n = visitors.length;
      const mobile = random() < 0.4;
      const visitor: Visitor = { n, anon: `${namespace}-anon-${n}`, device: mobile ? `${namespace}-dev-${n}` : null, userId: null, email: null };
      visitors.push(visitor);
      events.push(
        mobile
          ? {
              messageId,
              type: 'SCREEN',
              name: 'Home',
              anonymousId: visitor.anon,
              context: { device: { id: visitor.device, type: 'ios', model: 'iPhone15,2', manufacturer: 'Apple' } },
              timestamp,
              source: 'mobile',
            }
          : { messageId, type: 'PAGE', name: 'Home', anonymousId: visitor.anon, timestamp, source: 'web' },
      );
    } else if (roll < 0.97) {
      const visitor = pick();
      if (visitor.userId === null) {
        visitor.userId = `${namespace}-user-${visitor.n}`;
        visitor.email = `${namespace}-p${visitor.n}@bench.test`;
        events.push({
          messageId,
          type: 'IDENTIFY',
          anonymousId: visitor.anon,
          userId: visitor.userId,
          traits: { email: visitor.email, firstName: `First${visitor.n}`, lastName: `Last${visitor.n}` },
          timestamp,
          source: visitor.device ? 'mobile' : 'web',
        });
      } else {
        events.push({ messageId, type: 'TRACK', event: 'Order Completed', userId: visitor.userId, timestamp, source: 'web' });
      }
    } else {
      // A known user logs in from another visitor's browser: the two profiles merge, unless both already have
      // a different userId, which merge protection refuses (as it should).
      const known = visitors.find((_, j) => j === Math.floor(random() * visitors.length) && visitors[j].userId) ?? pick();
      const other = pick();
      events.push({
        messageId,
        type: 'IDENTIFY',
        anonymousId: other.anon,
        userId: known.userId ?? `${namespace}-user-${known.n}`,
        timestamp,
        source: 'web',
      });
      known.userId ??= `${namespace}-user-${known.n}`;
    }
  }
  return events;
}
