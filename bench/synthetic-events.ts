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

type Person = {
  n: number;
  userId: string | null;
  crmId: string | null;
  emails: string[];
  phones: string[];
  anons: string[];
  /** Set once a bridge merged this person into another: later events reach the survivor. */
  mergedInto: Person | null;
};

/** US area codes whose numbers libphonenumber takes as valid (exchanges 200-999). */
const AREA_CODES = ['212', '646', '718', '917', '347', '929', '415', '628'];

/**
 * Phone numbers valid for libphonenumber, drawn in sequence from a start that depends on the namespace, so the
 * streams of different runs (which share a database) practically never hand two people the same number.
 */
function phoneNumbers(namespace: string) {
  let serial = [...namespace].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7) % (AREA_CODES.length * 8_000_000);
  return () => {
    const n = serial++ % (AREA_CODES.length * 8_000_000);
    return `+1${AREA_CODES[Math.floor(n / 8_000_000)]}${String(2_000_000 + (n % 8_000_000)).padStart(7, '0')}`;
  };
}

/**
 * `count` IDENTIFY events, each with three to five identifiers (anonymousId, userId, email, phone, crmId) and
 * traits: about 60% introduce a new person, 20% bring a returning person back (their known identifiers, half of
 * them from a new browser: LINKED), and 20% bridge two earlier people, carrying identifiers of both (MERGED,
 * or a MERGE_BLOCKED conflict when both hold a userId or a CRM id, which merge protection refuses).
 */
export function identityHeavyEvents(count: number, namespace: string, seed = 42): RawEvent[] {
  const random = mulberry32(seed);
  const people: Person[] = [];
  /** People without a userId or CRM id: one of them can join anyone without breaking the one-of-a-kind limits. */
  const prospects: Person[] = [];
  const events: RawEvent[] = [];
  const chance = (p: number) => random() < p;
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const survivor = (p: Person): Person => (p.mergedInto ? survivor(p.mergedInto) : p);
  let anonSerial = 0;
  const nextPhone = phoneNumbers(namespace);
  const newAnon = () => `${namespace}-anon-${anonSerial++}`;
  const event = (i: number, ids: { userId?: string | null; anonymousId: string; email?: string; phone?: string; crmId?: string }, n: number): RawEvent => ({
    messageId: `${namespace}-${i}`,
    type: 'IDENTIFY',
    userId: ids.userId ?? null,
    anonymousId: ids.anonymousId,
    traits: {
      ...(ids.email ? { email: ids.email } : {}),
      ...(ids.phone ? { phone: ids.phone } : {}),
      ...(ids.crmId ? { crmId: ids.crmId } : {}),
      firstName: `First${n}`,
      lastName: `Last${n}`,
      company: `Company ${n % 97}`,
      address: { city: ['Lyon', 'Oslo', 'Porto', 'Turin'][n % 4], country: 'FR' },
    },
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    source: i % 3 === 0 ? 'mobile' : 'web',
  });

  for (let i = 0; i < count; i++) {
    const roll = random();
    if (people.length < 20 || roll < 0.6) {
      const n = people.length;
      // Two to four identifiers besides the anonymousId; a person without userId and CRM id is a prospect.
      const known = chance(0.6);
      const person: Person = {
        n,
        userId: known ? `${namespace}-user-${n}` : null,
        crmId: known && chance(0.4) ? `${namespace}-crm-${n}` : null,
        emails: [`${namespace}-p${n}@bench.test`],
        phones: chance(0.6) || !known ? [nextPhone()] : [],
        anons: [newAnon()],
        mergedInto: null,
      };
      people.push(person);
      if (!known) prospects.push(person);
      events.push(
        event(i, { userId: person.userId, anonymousId: person.anons[0], email: person.emails[0], phone: person.phones[0], crmId: person.crmId ?? undefined }, n),
      );
    } else if (roll < 0.8) {
      // A returning person: identified by what they are known by, perhaps with a new phone.
      const person = survivor(pick(people));
      // Half come back on a browser seen before; merge protection caps a person at five of each kind of identifier.
      const anonymousId = chance(0.5) ? newAnon() : person.anons[person.anons.length - 1];
      if (!person.anons.includes(anonymousId)) person.anons.push(anonymousId);
      const phone = person.phones.length === 0 || chance(0.15) ? nextPhone() : person.phones[0];
      if (!person.phones.includes(phone)) person.phones.push(phone);
      events.push(event(i, { userId: person.userId, anonymousId, email: person.emails[0], phone, crmId: person.crmId ?? undefined }, person.n));
    } else {
      // A bridge: a person signs in where another one (a prospect, known by email and phone) was seen.
      const person = survivor(pick(people));
      const candidates = prospects.slice(-400).filter((p) => p.mergedInto === null && p !== person);
      const other = candidates.length > 0 ? pick(candidates) : survivor(pick(people));
      events.push(
        event(
          i,
          { userId: person.userId ?? undefined, anonymousId: other.anons[other.anons.length - 1], email: person.emails[0], phone: other.phones[0] },
          person.n,
        ),
      );
      if (other !== person && !(person.userId && other.userId) && !(person.crmId && other.crmId)) {
        other.mergedInto = person;
        person.emails.push(...other.emails);
        person.phones.push(...other.phones);
        person.anons.push(...other.anons);
      }
    }
  }
  return events;
}

/** The streams `bench:ingest` measures, by the name its `--streams` option takes. */
export const STREAMS = {
  light: { describe: 'light: tracking traffic, 70% first visits, 30% sign-ups, tracks and logins (links, merges)', events: syntheticEvents },
  identity: {
    describe: 'identity-heavy: every event an IDENTIFY with 3-5 identifiers and traits, 20% bridging two earlier people',
    events: identityHeavyEvents,
  },
} as const;
export type StreamName = keyof typeof STREAMS;
