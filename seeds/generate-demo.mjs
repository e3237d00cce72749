#!/usr/bin/env node
// Generates the demo data set in seeds/demo/: source records (CRM, support, e-commerce) and Segment-style
// identity events (web, mobile). Deterministic: a seeded PRNG and fixed dates, so every run writes the same bytes
// and the ids quoted in seeds/README.md stay valid. Run: node seeds/generate-demo.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo');
const SEED = 360_2026;

// ---------------------------------------------------------------------------------------------------------------
// Randomness and time
// ---------------------------------------------------------------------------------------------------------------

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const int = (min, max) => min + Math.floor(rand() * (max - min + 1));
const chance = (p) => rand() < p;
const pick = (list) => list[Math.floor(rand() * list.length)];
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (text) => Date.parse(text);
const between = (from, to) => Math.floor(at(from) + rand() * (at(to) - at(from)));
/** Whole seconds: Segment libraries send milliseconds, but seconds keep the demo readable. */
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const day = (ms) => iso(ms).slice(0, 10);
// Everything happens before the last day so no event is dated after the data set's "present".
const LAST_EVENT = at('2026-06-30T20:00:00Z');
const clampEvent = (ms) => Math.min(ms, LAST_EVENT);

// ---------------------------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------------------------

const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com', 'inbox.example.net'];

/**
 * Phones use ranges reserved for drama where the country has one (US 555-01xx, UK Ofcom 496 0xxx / 7946 0xxx,
 * French ARCEP 0x xx) so no real subscriber is quoted; German numbers are random in valid lengths.
 */
const COUNTRIES = {
  DE: {
    weight: 35,
    currency: 'EUR',
    locale: 'de-DE',
    first: ['Anna', 'Lena', 'Sophie', 'Marie', 'Julia', 'Katharina', 'Laura', 'Hannah', 'Emma', 'Sabine', 'Petra',
      'Claudia', 'Lukas', 'Jonas', 'Felix', 'Maximilian', 'Paul', 'Leon', 'Tim', 'Jan', 'Michael', 'Stefan',
      'Andreas', 'Markus', 'Elif', 'Zeynep', 'Mehmet', 'Emre', 'Katarzyna', 'Piotr', 'Dimitrios', 'Ioanna'],
    last: ['Müller', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Hoffmann', 'Schulz', 'Koch', 'Richter',
      'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hartmann', 'Lange',
      'Yılmaz', 'Kaya', 'Öztürk', 'Nowak', 'Kowalski', 'Papadopoulos', 'Weiß', 'Jäger'],
    cities: [
      { city: 'Berlin', area: '30', postal: ['10115', '10178', '10245', '10437', '10557', '10961', '12043', '13347'] },
      { city: 'Hamburg', area: '40', postal: ['20095', '20257', '22041', '22303', '22767'] },
      { city: 'München', area: '89', postal: ['80331', '80469', '80801', '81369', '81675'] },
      { city: 'Köln', area: '221', postal: ['50667', '50733', '50823', '51063'] },
      { city: 'Frankfurt am Main', area: '69', postal: ['60311', '60385', '60487', '60596'] },
      { city: 'Leipzig', area: '341', postal: ['04103', '04177', '04229', '04317'] },
      { city: 'Stuttgart', area: '711', postal: ['70173', '70182', '70372', '70597'] },
      { city: 'Potsdam', area: '331', postal: ['14467', '14469', '14482'] },
    ],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße', 'Goethestraße', 'Lindenallee',
      'Kastanienweg', 'Berliner Straße', 'Friedrichstraße', 'Am Markt', 'Rosenstraße', 'Mozartstraße'],
    street: (name) => `${name} ${int(1, 120)}${chance(0.1) ? pick(['a', 'b']) : ''}`,
    companies: ['Nordlicht Logistik GmbH', 'Bergmann & Söhne KG', 'Spreeblick Medien GmbH', 'Alpenglück Reisen GmbH',
      'Rheinwerk Maschinenbau AG', 'Hansekontor Handels GmbH'],
    landline: (c) => ({ cc: '49', national: c.area + String(int(2, 9)) + digits(c.area.length === 2 ? 7 : 6) }),
    mobile: () => ({ cc: '49', national: pick(['151', '152', '157', '176']) + String(int(2, 9)) + digits(7) }),
    /** How a CRM stores it, and spellings a support agent types into a ticket. */
    crmFormat: (n) => `+49 ${splitDe(n.national).join(' ')}`,
    ticketFormats: [
      (n) => `+49 (0)${splitDe(n.national)[0]} ${splitDe(n.national)[1]}`,
      (n) => `+49-${splitDe(n.national).join('-')}`,
      (n) => `+49 ${splitDe(n.national)[0]}/${splitDe(n.national)[1]}`,
    ],
  },
  US: {
    weight: 25,
    currency: 'USD',
    locale: 'en-US',
    first: ['Emily', 'Madison', 'Ashley', 'Jessica', 'Sarah', 'Olivia', 'Michael', 'Christopher', 'Matthew',
      'Joshua', 'Daniel', 'David', 'James', 'Sofia', 'Diego', 'Mei', 'Wei', 'Hiroshi', 'Priya', 'Aaliyah', 'Jamal',
      'Rosa', 'Tyler', 'Brianna'],
    last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Nguyen',
      'Kim', 'Chen', 'Lee', 'Walker', "O'Connor", 'Cohen', 'Washington', 'Okafor', 'Tanaka', 'Hernández'],
    cities: [
      { city: 'New York', state: 'NY', area: '212', postal: ['10001', '10011', '10024', '10128'] },
      { city: 'San Francisco', state: 'CA', area: '415', postal: ['94103', '94110', '94117', '94122'] },
      { city: 'Chicago', state: 'IL', area: '312', postal: ['60601', '60607', '60611', '60654'] },
      { city: 'Boston', state: 'MA', area: '617', postal: ['02108', '02116', '02134', '02215'] },
      { city: 'Seattle', state: 'WA', area: '206', postal: ['98101', '98103', '98109', '98122'] },
      { city: 'Austin', state: 'TX', area: '512', postal: ['78701', '78704', '78723', '78751'] },
    ],
    streets: ['Maple Avenue', 'Oak Street', 'Pine Street', 'Cedar Lane', 'Washington Street', 'Park Avenue',
      'Elm Street', 'Lakeview Drive', 'Hillcrest Road', 'Sunset Boulevard'],
    street: (name) => `${int(10, 4999)} ${name}`,
    companies: ['Blue Harbor Consulting LLC', 'Acme Analytics Inc.', 'Summit Ridge Partners', 'Pioneer Health Group',
      'Brightline Software Inc.'],
    landline: (c) => ({ cc: '1', national: `${c.area}55501${digits(2)}` }),
    mobile: () => ({ cc: '1', national: `${pick(['212', '415', '312', '617', '206', '512'])}55501${digits(2)}` }),
    crmFormat: (n) => `+1 ${n.national.slice(0, 3)}-${n.national.slice(3, 6)}-${n.national.slice(6)}`,
    // National spellings parse because the API's default region is US.
    ticketFormats: [
      (n) => `(${n.national.slice(0, 3)}) ${n.national.slice(3, 6)}-${n.national.slice(6)}`,
      (n) => `${n.national.slice(0, 3)}.${n.national.slice(3, 6)}.${n.national.slice(6)}`,
      (n) => `1-${n.national.slice(0, 3)}-${n.national.slice(3, 6)}-${n.national.slice(6)}`,
    ],
  },
  GB: {
    weight: 20,
    currency: 'GBP',
    locale: 'en-GB',
    first: ['Oliver', 'George', 'Harry', 'Jack', 'Charlie', 'Thomas', 'William', 'Olivia', 'Amelia', 'Isla',
      'Emily', 'Grace', 'Charlotte', 'Eleanor', 'Priya', 'Arjun', 'Aisha', 'Mohammed', 'Siobhan', 'Declan', 'Fiona',
      'Callum'],
    last: ['Smith', 'Jones', 'Taylor', 'Williams', 'Wilson', 'Evans', 'Roberts', 'Walker', 'Wright', 'Hughes',
      'Khan', 'Ahmed', "O'Brien", 'MacDonald', 'Campbell', 'Shah', 'Begum', 'Murphy'],
    cities: [
      { city: 'London', area: '2079460', postal: ['N1', 'SE1', 'E2', 'NW3', 'SW9', 'W12'] },
      { city: 'Manchester', area: '1614960', postal: ['M1', 'M4', 'M14', 'M20'] },
      { city: 'Birmingham', area: '1214960', postal: ['B1', 'B5', 'B15', 'B29'] },
      { city: 'Leeds', area: '1134960', postal: ['LS1', 'LS6', 'LS8'] },
      { city: 'Bristol', area: '1174960', postal: ['BS1', 'BS6', 'BS8'] },
      { city: 'Glasgow', area: '1414960', postal: ['G1', 'G3', 'G12'] },
    ],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Green Lane', 'Manor Road',
      'Park Road', "Queen's Road", 'King Street', 'Mill Lane'],
    street: (name) => `${int(1, 240)} ${name}`,
    postalSuffix: () => `${int(1, 9)}${pick([...'ABDEFGHJLNPQRSTUWXYZ'])}${pick([...'ABDEFGHJLNPQRSTUWXYZ'])}`,
    companies: ['Thames Valley Foods Ltd', 'Pennine Outdoor Ltd', 'Kingsway Insurance Services', 'Clyde Marine plc'],
    // No reserved mobile range passes validation, so British customers have landlines.
    landline: (c) => ({ cc: '44', national: c.area + digits(3) }),
    mobile: null,
    crmFormat: (n) => `+44 ${splitGb(n.national).join(' ')}`,
    ticketFormats: [
      (n) => `+44 (0)${splitGb(n.national).join(' ')}`,
      (n) => `+44${n.national}`,
      (n) => `+44 0${splitGb(n.national).join(' ')}`,
    ],
  },
  FR: {
    weight: 20,
    currency: 'EUR',
    locale: 'fr-FR',
    first: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Louise', 'Juliette', 'Lucas', 'Hugo', 'Louis', 'Gabriel',
      'Arthur', 'Jules', 'Théo', 'Nathan', 'Antoine', 'Yasmine', 'Karim', 'Mamadou', 'Fatou', 'Élodie', 'Mathis'],
    last: ['Martin', 'Bernard', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
      'Laurent', 'Michel', 'Fontaine', 'Rousseau', 'Benali', 'Diallo', 'Nguyen', 'Da Silva', 'Lambert', 'Girard'],
    cities: [
      { city: 'Paris', area: '19900', postal: ['75003', '75011', '75015', '75018', '75020'] },
      { city: 'Nantes', area: '26191', postal: ['44000', '44100', '44300'] },
      { city: 'Lille', area: '35301', postal: ['59000', '59800', '59160'] },
      { city: 'Lyon', area: '46571', postal: ['69001', '69003', '69007'] },
      { city: 'Marseille', area: '46571', postal: ['13001', '13006', '13008'] },
      { city: 'Bordeaux', area: '53649', postal: ['33000', '33100', '33800'] },
      { city: 'Toulouse', area: '53649', postal: ['31000', '31300', '31500'] },
    ],
    streets: ['rue de la République', 'rue Victor Hugo', 'avenue Jean Jaurès', 'boulevard Voltaire', 'rue des Lilas',
      'place de la Mairie', 'rue Pasteur', 'rue du Moulin', 'allée des Tilleuls'],
    street: (name) => `${int(1, 140)}${chance(0.08) ? ' bis' : ''} ${name}`,
    companies: ['Atelier Lumière SARL', 'Boulangeries Durand SAS', 'Cabinet Moreau & Associés', 'Océane Transports SA'],
    landline: (c) => ({ cc: '33', national: c.area + digits(4) }),
    mobile: () => ({ cc: '33', national: `63998${digits(4)}` }),
    crmFormat: (n) => `+33 ${n.national[0]} ${n.national.slice(1).match(/../g).join(' ')}`,
    ticketFormats: [
      (n) => `+33 (0)${n.national[0]} ${n.national.slice(1).match(/../g).join(' ')}`,
      (n) => `+33${n.national}`,
      (n) => `+33 ${n.national[0]}.${n.national.slice(1).match(/../g).join('.')}`,
    ],
  },
};

function splitDe(national) {
  const mobile = national.startsWith('1');
  const areaLength = mobile ? 3 : ['30', '40', '89', '69'].includes(national.slice(0, 2)) ? 2 : 3;
  return [national.slice(0, areaLength), national.slice(areaLength)];
}
function splitGb(national) {
  return national.startsWith('20')
    ? [national.slice(0, 2), national.slice(2, 6), national.slice(6)]
    : [national.slice(0, 3), national.slice(3, 6), national.slice(6)];
}

const PRODUCTS = [
  { productId: 'SKU-10234', name: 'Trail Running Shoe', category: 'Shoes', price: 119.9 },
  { productId: 'SKU-10311', name: 'Merino Base Layer', category: 'Apparel', price: 69.0 },
  { productId: 'SKU-10422', name: 'Packable Rain Jacket', category: 'Apparel', price: 149.0 },
  { productId: 'SKU-10518', name: 'Insulated Bottle 750 ml', category: 'Accessories', price: 29.9 },
  { productId: 'SKU-10620', name: 'Daypack 22 L', category: 'Bags', price: 89.0 },
  { productId: 'SKU-10733', name: 'Wool Beanie', category: 'Accessories', price: 24.5 },
  { productId: 'SKU-10847', name: 'Hiking Socks (3-pack)', category: 'Apparel', price: 19.9 },
  { productId: 'SKU-10952', name: 'Down Vest', category: 'Apparel', price: 129.0 },
  { productId: 'SKU-11068', name: 'Headlamp 400 lm', category: 'Accessories', price: 44.9 },
  { productId: 'SKU-11173', name: 'Ultralight Tent 2P', category: 'Camping', price: 399.0 },
];
const WEB_PAGES = ['Home', 'Category', 'Product', 'Blog', 'Store Finder', 'Sale'];
const APP_SCREENS = ['Home', 'Search', 'Product Detail', 'Wishlist', 'Cart', 'Profile', 'Order History'];
const PHONES = [
  { type: 'ios', manufacturer: 'Apple', models: ['iPhone14,5', 'iPhone14,7', 'iPhone15,2', 'iPhone15,4', 'iPhone16,1', 'iPhone17,3'], os: 'iOS' },
  { type: 'android', manufacturer: 'Samsung', models: ['SM-S911B', 'SM-S921B', 'SM-A546B', 'SM-G991B'], os: 'Android' },
  { type: 'android', manufacturer: 'Google', models: ['Pixel 7', 'Pixel 8', 'Pixel 8a'], os: 'Android' },
];
const TABLETS = [
  { type: 'tablet', manufacturer: 'Apple', models: ['iPad13,18', 'iPad14,3'], os: 'iPadOS' },
  { type: 'tablet', manufacturer: 'Samsung', models: ['SM-X200', 'SM-X710'], os: 'Android' },
];

// ---------------------------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------------------------

const people = [];
const usedEmails = new Set();
const usedPhones = new Set();
let nextUserId = 1001;

const ascii = (text) =>
  text
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/Ä/g, 'Ae').replace(/Ö/g, 'Oe')
    .replace(/Ü/g, 'Ue').replace(/ß/g, 'ss').replace(/ı/g, 'i')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase().replace(/[^a-z]/g, '');

function uniqueEmail(first, last, birthYear) {
  const f = ascii(first);
  const l = ascii(last);
  const locals = [`${f}.${l}`, `${f}${l}`, `${f[0]}.${l}`, `${f}_${l}`, `${f}.${l}${String(birthYear).slice(2)}`];
  for (let attempt = 0; ; attempt++) {
    const local = attempt < 3 ? pick(locals) : `${f}.${l}${attempt}`;
    const email = `${local}@${pick(EMAIL_DOMAINS)}`;
    if (!usedEmails.has(email)) {
      usedEmails.add(email);
      return email;
    }
  }
}

function uniquePhone(make) {
  for (;;) {
    const number = make();
    const e164 = `+${number.cc}${number.national}`;
    if (!usedPhones.has(e164)) {
      usedPhones.add(e164);
      return { ...number, e164 };
    }
  }
}

function newAddress(country, cityName) {
  const c = COUNTRIES[country];
  const place = cityName ? c.cities.find((x) => x.city === cityName) : pick(c.cities);
  const postalCode = country === 'GB' ? `${pick(place.postal)} ${c.postalSuffix()}` : pick(place.postal);
  return {
    street: c.street(pick(c.streets)),
    city: place.city,
    postalCode,
    ...(place.state ? { state: place.state } : {}),
    country,
  };
}

function newPhone(country, address, preferMobile) {
  const c = COUNTRIES[country];
  const place = c.cities.find((x) => x.city === address.city);
  const make = preferMobile && c.mobile ? c.mobile : () => c.landline(place);
  return uniquePhone(make);
}

/** A person as the real world knows them; sources and events each see part of this, sometimes spelt differently. */
function newPerson({ city, ...overrides } = {}) {
  const country = overrides.country ?? weightedCountry();
  const c = COUNTRIES[country];
  const firstName = overrides.firstName ?? pick(c.first);
  const lastName = overrides.lastName ?? pick(c.last);
  const birthday = day(between('1952-01-01T00:00:00Z', '2006-06-30T00:00:00Z'));
  const address = overrides.address ?? newAddress(country, city);
  const person = {
    key: `P${String(people.length + 1).padStart(3, '0')}`,
    country,
    firstName,
    lastName,
    birthday,
    email: overrides.email ?? uniqueEmail(firstName, lastName, birthday.slice(0, 4)),
    phone: newPhone(country, address, chance(0.45)),
    address,
    company: chance(0.3) ? pick(c.companies) : null,
    userId: null,
    anonymousIds: [],
    devices: [],
    ...overrides,
  };
  if (overrides.email) usedEmails.add(overrides.email);
  people.push(person);
  return person;
}

function weightedCountry() {
  const entries = Object.entries(COUNTRIES);
  let roll = rand() * entries.reduce((sum, [, c]) => sum + c.weight, 0);
  for (const [code, c] of entries) {
    roll -= c.weight;
    if (roll < 0) return code;
  }
  return 'DE';
}

const ensureUserId = (p) => (p.userId ??= `u-${nextUserId++}`);
const newAnonymousId = (p) => {
  const id = `anon-${uuid()}`;
  p?.anonymousIds.push(id);
  return id;
};
function newDevice(kinds, owner) {
  const kind = pick(kinds);
  const device = { id: `dev-${hex(12)}`, type: kind.type, model: pick(kind.models), manufacturer: kind.manufacturer, os: kind.os };
  owner?.devices.push(device);
  return device;
}

// ---------------------------------------------------------------------------------------------------------------
// Source records
// ---------------------------------------------------------------------------------------------------------------

/** Records get their external ids at the end, numbered by creation time like a real system would. */
const records = [];
const crmIdOf = new Map();
const exemplars = { crmUpdates: [], messyEmails: [], phoneOnlyTickets: [], withdrawn: [] };

function addRecord(source, owner, updatedMs, body, idGroup = owner.key) {
  const record = { source, _t: updatedMs, _group: `${source}:${idGroup}`, _owner: owner, updatedAt: iso(updatedMs), ...body };
  records.push(record);
  return record;
}

function crmConsents(createdMs) {
  const statements = [];
  const occurredAt = iso(createdMs - int(0, 20) * DAY - int(1, 8) * HOUR);
  statements.push({ purpose: 'marketing_email', status: chance(0.6) ? 'GRANTED' : 'DENIED', occurredAt });
  if (chance(0.6)) statements.push({ purpose: 'analytics', status: chance(0.8) ? 'GRANTED' : 'DENIED', occurredAt });
  if (chance(0.35)) statements.push({ purpose: 'marketing_sms', status: chance(0.3) ? 'GRANTED' : 'DENIED', occurredAt });
  if (chance(0.25)) statements.push({ purpose: 'data_sale', status: 'DENIED', occurredAt });
  if (chance(0.3)) statements.push({ purpose: 'personalization', status: chance(0.7) ? 'GRANTED' : 'DENIED', occurredAt });
  return statements;
}

/** What a source dated `ms` knows: the number or address before a later CRM change, if there was one. */
const phoneAt = (p, ms) => (p.phoneChangedAt && ms < p.phoneChangedAt ? p.oldPhone : p.phone);
const addressAt = (p, ms) => (p.movedAt && ms < p.movedAt ? p.oldAddress : p.address);

function crmAttributes(p) {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phone: COUNTRIES[p.country].crmFormat(p.phone),
    ...(chance(0.85) ? { birthday: p.birthday } : {}),
    ...(p.company ? { company: p.company } : {}),
    address: { ...p.address },
    lifecycleStage: pick(['customer', 'customer', 'customer', 'lead', 'vip']),
  };
}

/**
 * One CRM contact; `update` adds a second version of the same record later (a move or a new number), which must
 * land on the same customer through the record's own key and link the new phone next to the old one.
 */
function crmRecord(p, { createdMs, update = null, consents = true, withdraw = false, idGroup } = {}) {
  createdMs ??= between('2025-01-08T08:00:00Z', '2025-12-18T17:00:00Z');
  const firstConsents = consents ? crmConsents(createdMs) : [];
  if (withdraw && !firstConsents.some((c) => c.purpose === 'marketing_email' && c.status === 'GRANTED')) {
    firstConsents.splice(0, 1, { purpose: 'marketing_email', status: 'GRANTED', occurredAt: firstConsents[0]?.occurredAt ?? iso(createdMs - DAY) });
  }
  const attributes = crmAttributes(p);
  const first = addRecord('crm', p, createdMs, {
    attributes,
    ...(firstConsents.length > 0 ? { consents: firstConsents } : {}),
  }, idGroup);
  if (!update && !withdraw) return first;

  const updatedMs = update?.atMs ?? between('2026-01-12T08:00:00Z', '2026-06-10T17:00:00Z');
  const changed = { ...attributes, address: { ...attributes.address } };
  let what = '';
  if (update?.kind === 'phone') {
    p.oldPhone = p.phone;
    p.phoneChangedAt = updatedMs;
    p.phone = newPhone(p.country, p.address, true);
    changed.phone = COUNTRIES[p.country].crmFormat(p.phone);
    what = `phone ${attributes.phone ?? '(none)'} -> ${changed.phone}`;
  } else if (update?.kind === 'move') {
    const c = COUNTRIES[p.country];
    const city = update.city ?? pick(c.cities.filter((x) => x.city !== p.address.city)).city;
    p.oldAddress = p.address;
    p.movedAt = updatedMs;
    p.address = newAddress(p.country, city);
    changed.address = { ...p.address };
    what = `city ${attributes.address.city} -> ${p.address.city}`;
  }
  // A CRM change feed sends the consent changes since the last export, not the whole history again.
  const newConsents = withdraw
    ? [{ purpose: 'marketing_email', status: 'WITHDRAWN', occurredAt: iso(updatedMs - int(1, 5) * DAY) }]
    : [];
  const second = addRecord('crm', p, updatedMs, {
    attributes: changed,
    ...(newConsents.length > 0 ? { consents: newConsents } : {}),
  }, idGroup);
  if (update) exemplars.crmUpdates.push({ person: p, first, second, what });
  if (withdraw) exemplars.withdrawn.push({ person: p, record: second });
  return first;
}

/** Shop exports keep whatever the customer typed at checkout, so some emails arrive with capitals and spaces. */
function messyEmail(email) {
  const cap = (s) => s.split('.').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('.');
  const [local, domain] = email.split('@');
  return pick([
    ` ${cap(local)}@${cap(domain)} `,
    email.toUpperCase(),
    `${cap(local)}@${domain}`,
    `  ${email}`,
  ]);
}

function shopRecord(p, { atMs, messy = chance(0.3), shipTo = null } = {}) {
  atMs ??= between('2025-05-02T08:00:00Z', '2026-06-20T20:00:00Z');
  const email = messy ? messyEmail(p.email) : p.email;
  const orders = int(1, 9);
  const record = addRecord('ecommerce', p, atMs, {
    attributes: {
      firstName: p.firstName,
      lastName: p.lastName,
      email,
      address: { ...(shipTo ?? addressAt(p, atMs)) },
      orderCount: orders,
      lifetimeValue: Math.round(orders * (40 + rand() * 160) * 100) / 100,
      currency: COUNTRIES[p.country].currency,
    },
  });
  if (messy) exemplars.messyEmails.push({ person: p, record, raw: email });
  return record;
}

const SUBJECTS = ['Where is my order?', 'Return label needed', 'Wrong size delivered', 'Invoice address change',
  'Zipper broken after two weeks', 'Cannot log in to the app', 'Question about warranty', 'Refund not received'];

/** A support agent types what the caller says: often only a phone, spelt differently from the CRM. */
function supportTicket(p, { atMs, contact = pick(['phone', 'phone', 'email', 'both']) } = {}) {
  atMs ??= between('2025-08-04T08:00:00Z', '2026-06-26T17:00:00Z');
  const phone = phoneAt(p, atMs);
  const c = COUNTRIES[p.country];
  const rawPhone = pick(c.ticketFormats)(phone);
  const channel = contact === 'email' ? 'email' : pick(['phone', 'phone', 'chat']);
  const record = addRecord('support', p, atMs, {
    attributes: {
      firstName: p.firstName,
      lastName: p.lastName,
      ...(contact !== 'email' ? { phone: rawPhone } : {}),
      ...(contact !== 'phone' ? { email: p.email } : {}),
      subject: pick(SUBJECTS),
      channel,
      status: atMs > at('2026-06-15T00:00:00Z') ? 'open' : 'solved',
    },
  }, `${p.key}:${atMs}`);
  if (contact === 'phone') exemplars.phoneOnlyTickets.push({ person: p, record, raw: rawPhone });
  return record;
}

// ---------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------

const events = [];
function emit(ms, body, meta = {}) {
  const event = { _t: ms, ...meta, ...body, timestamp: body.timestamp ?? iso(ms) };
  events.push(event);
  return event;
}

const webContext = (p, extra = {}) => ({ locale: COUNTRIES[p?.country ?? 'DE'].locale, userAgent: 'Mozilla/5.0', ...extra });
const deviceContext = (d, extra = {}) => ({
  device: { id: d.id, type: d.type, model: d.model, manufacturer: d.manufacturer },
  os: { name: d.os },
  app: { name: 'Trailhead', version: pick(['4.12.0', '4.13.1', '4.14.0']) },
  ...extra,
});
const consentContext = (prefs) => ({ consent: { categoryPreferences: prefs } });
const bannerChoice = () => ({
  analytics: chance(0.8),
  personalization: chance(0.55),
  marketing_email: chance(0.4),
});

const product = () => pick(PRODUCTS);
function priced(item, p) {
  return { ...item, currency: COUNTRIES[p?.country ?? 'DE'].currency };
}
let orderSeq = 40_100;
function orderProperties(p, items) {
  const products = items.map((item) => ({ productId: item.productId, name: item.name, price: item.price, quantity: int(1, 2) }));
  const total = Math.round(products.reduce((sum, x) => sum + x.price * x.quantity, 0) * 100) / 100;
  return { orderId: `ORD-${orderSeq++}`, total, currency: COUNTRIES[p.country].currency, products };
}

function identifyTraits(p, { withPhone = chance(0.35), withAddress = chance(0.25), email = p.email } = {}) {
  const fullName = chance(0.2);
  return {
    ...(email ? { email } : {}),
    ...(fullName ? { name: `${p.firstName} ${p.lastName}` } : { firstName: p.firstName, lastName: p.lastName }),
    ...(withPhone ? { phone: p.phone.e164 } : {}),
    ...(withAddress ? { address: { ...p.address } } : {}),
  };
}

/** Browsing before login: only the cookie's anonymousId is known. */
function anonymousBrowse(p, anonymousId, ms, { consent = chance(0.45), views = int(1, 3) } = {}) {
  let t = ms;
  for (let i = 0; i < views; i++) {
    const name = i === 0 ? 'Home' : pick(WEB_PAGES);
    emit(t, {
      type: 'PAGE', anonymousId, name, source: 'web',
      context: webContext(p, i === 0 && consent ? consentContext(bannerChoice()) : {}),
    });
    t += int(1, 6) * MIN;
    if (name === 'Product') {
      emit(t, { type: 'TRACK', anonymousId, event: 'Product Viewed', properties: priced(product(), p), source: 'web', context: webContext(p) });
      t += int(1, 4) * MIN;
    }
  }
  return t;
}

/** Logged-in shopping: every call carries userId, and the anonymousId the cookie still holds. */
function knownShopping(p, ids, ms, { buy = chance(0.45), context = webContext(p), source = 'web', screen = false } = {}) {
  let t = ms;
  const base = { userId: p.userId, ...(ids.anonymousId ? { anonymousId: ids.anonymousId } : {}), source, context };
  const view = screen
    ? { type: 'SCREEN', name: pick(APP_SCREENS) }
    : { type: 'PAGE', name: pick(['Product', 'Category', 'Account', 'Sale']) };
  if (chance(0.5)) {
    emit(t, { ...base, ...view });
    t += int(1, 5) * MIN;
  }
  const items = [product()];
  if (chance(0.2)) items.push(product());
  for (const item of items) {
    emit(t, { ...base, type: 'TRACK', event: 'Product Viewed', properties: priced(item, p) });
    t += int(1, 4) * MIN;
  }
  if (!buy) return t;
  emit(t, { ...base, type: 'TRACK', event: 'Product Added', properties: { ...priced(items[0], p), quantity: 1 } });
  t += int(2, 10) * MIN;
  if (chance(0.5)) {
    emit(t, { ...base, type: 'TRACK', event: 'Checkout Started', properties: { value: items[0].price, currency: COUNTRIES[p.country].currency } });
    t += int(3, 12) * MIN;
  }
  emit(t, { ...base, type: 'TRACK', event: 'Order Completed', properties: orderProperties(p, items) });
  return t + int(1, 3) * MIN;
}

/**
 * The anonymous-to-known path: anonymous page views, then an IDENTIFY carrying the same anonymousId plus userId
 * and email, which stitches the cookie's history (and any CRM/shop record holding that email) onto one customer.
 */
function webJourney(p, { startMs, consent, sessions = pick([1, 1, 1, 2, 2, 3]) } = {}) {
  ensureUserId(p);
  let t = startMs ?? between('2026-01-05T07:00:00Z', '2026-05-25T21:00:00Z');
  for (let s = 0; s < sessions && t < LAST_EVENT - DAY; s++) {
    // A later session is either the same browser (cookie kept, already known) or a new one (anonymous again).
    const fresh = s === 0 || chance(0.5);
    const anonymousId = fresh ? newAnonymousId(p) : p.anonymousIds.at(-1);
    if (fresh) {
      t = anonymousBrowse(p, anonymousId, t, { consent: s === 0 ? consent : false });
      emit(t, { type: 'PAGE', anonymousId, name: 'Sign In', source: 'web', context: webContext(p) });
      t += int(1, 3) * MIN;
      emit(t, { type: 'IDENTIFY', userId: p.userId, anonymousId, source: 'web', traits: identifyTraits(p), context: webContext(p) });
      t += int(1, 2) * MIN;
    }
    t = knownShopping(p, { anonymousId }, t);
    t = clampEvent(t + int(2, 30) * DAY + int(0, 12) * HOUR);
  }
  return t;
}

/** App install, browsing before sign-in, then sign-in (sometimes a Segment ALIAS on sign-up) and use. */
function mobileJourney(p, { startMs, device = newDevice(PHONES, p), uses = int(1, 2), consent = chance(0.4) } = {}) {
  ensureUserId(p);
  let t = startMs ?? between('2026-01-10T07:00:00Z', '2026-06-05T21:00:00Z');
  const anonymousId = newAnonymousId(p);
  const ctx = (extra) => deviceContext(device, extra);
  emit(t, { type: 'TRACK', anonymousId, event: 'Application Installed', properties: { version: '4.12.0', build: '4120' }, source: 'mobile', context: ctx() });
  t += int(1, 3) * MIN;
  emit(t, { type: 'SCREEN', anonymousId, name: 'Onboarding', source: 'mobile', context: ctx(consent ? consentContext(bannerChoice()) : {}) });
  t += int(2, 20) * MIN;
  if (chance(0.25)) {
    emit(t, { type: 'ALIAS', userId: p.userId, previousId: anonymousId, source: 'mobile', context: ctx() });
    t += int(5, 30) * 1000;
  }
  emit(t, { type: 'IDENTIFY', userId: p.userId, anonymousId, traits: identifyTraits(p, { withAddress: false }), source: 'mobile', context: ctx() });
  t += int(1, 5) * MIN;
  for (let u = 0; u < uses && t < LAST_EVENT - DAY; u++) {
    if (u > 0) {
      emit(t, { type: 'TRACK', userId: p.userId, anonymousId, event: 'Application Opened', properties: { from_background: true }, source: 'mobile', context: ctx() });
      t += int(1, 3) * MIN;
    }
    t = knownShopping(p, { anonymousId }, t, { source: 'mobile', context: ctx(), screen: true, buy: chance(0.4) });
    t = clampEvent(t + int(1, 20) * DAY + int(0, 10) * HOUR);
  }
  return t;
}

/**
 * A family tablet: each member is signed in with their own userId; the app sends the same device id for both.
 * No anonymousId here so the demo conflict is the device alone (a real SDK would also share its install id).
 */
function tabletSession(p, tablet, ms) {
  const base = { userId: p.userId, source: 'mobile', context: deviceContext(tablet) };
  emit(ms, { ...base, type: 'SCREEN', name: 'Home' });
  emit(ms + int(1, 4) * MIN, { ...base, type: 'TRACK', event: 'Product Viewed', properties: priced(product(), p) });
  return ms + int(5, 15) * MIN;
}

// ---------------------------------------------------------------------------------------------------------------
// Stories: hand-made people whose overlaps the README points to
// ---------------------------------------------------------------------------------------------------------------

const stories = {};

/** Anna sees every source: two CRM versions, a shop export with a messy email, a phone-only ticket, web, app. */
function annaSchmidt() {
  const anna = newPerson({ country: 'DE', firstName: 'Anna', lastName: 'Schmidt', email: 'anna.schmidt@example.com', city: 'Berlin', company: null });
  anna.phone = uniquePhone(() => ({ cc: '49', national: '3023125678' }));
  crmRecord(anna, { createdMs: at('2025-03-14T10:20:00Z'), update: { kind: 'move', city: 'Potsdam', atMs: at('2026-04-20T09:15:00Z') }, withdraw: true });
  const ticket = supportTicket(anna, { atMs: at('2026-01-22T14:05:00Z'), contact: 'phone' });
  ticket.attributes.phone = '+49 (0)30 2312 5678';
  exemplars.phoneOnlyTickets.at(-1).raw = ticket.attributes.phone;
  const shop = shopRecord(anna, { atMs: at('2026-05-03T18:40:00Z'), messy: false });
  shop.attributes.email = ' Anna.Schmidt@Example.com ';
  exemplars.messyEmails.unshift({ person: anna, record: shop, raw: shop.attributes.email });
  webJourney(anna, { startMs: at('2026-01-08T19:02:00Z'), sessions: 2, consent: true });
  mobileJourney(anna, { startMs: at('2026-02-14T08:30:00Z'), device: newDevice([PHONES[0]], anna), uses: 2 });
  stories.anna = anna;
}

/** Web visitor first, CRM contact second, web login with the CRM email third: the two customers must merge. */
function jamesCarter() {
  const james = newPerson({ country: 'US', firstName: 'James', lastName: 'Carter', email: 'james.carter@example.net', city: 'Chicago', company: 'Summit Ridge Partners' });
  ensureUserId(james);
  const anonymousId = newAnonymousId(james);
  anonymousBrowse(james, anonymousId, at('2026-02-10T16:12:00Z'), { consent: true, views: 3 });
  crmRecord(james, { createdMs: at('2026-02-20T15:30:00Z') });
  let t = at('2026-03-05T18:44:00Z');
  emit(t, { type: 'PAGE', anonymousId, name: 'Sign In', source: 'web', context: webContext(james) });
  t += 2 * MIN;
  emit(t, { type: 'IDENTIFY', userId: james.userId, anonymousId, traits: { email: james.email, firstName: 'James', lastName: 'Carter' }, source: 'web', context: webContext(james) });
  knownShopping(james, { anonymousId }, t + MIN, { buy: true });
  stories.james = { person: james, anonymousId };
}

/** Families sharing one tablet: each userId is its own customer and the device may belong to only one of them. */
function household(country, lastName, [firstA, firstB], city) {
  const a = newPerson({ country, firstName: firstA, lastName, city });
  const b = newPerson({ country, firstName: firstB, lastName, address: { ...a.address } });
  crmRecord(a);
  webJourney(a, { startMs: between('2026-01-06T07:00:00Z', '2026-02-10T21:00:00Z'), sessions: 1 });
  webJourney(b, { startMs: between('2026-01-06T07:00:00Z', '2026-02-10T21:00:00Z'), sessions: 1 });
  if (chance(0.5)) mobileJourney(b, { startMs: between('2026-02-12T07:00:00Z', '2026-03-01T21:00:00Z'), uses: 1 });
  const tablet = newDevice(TABLETS, null);
  let t = between('2026-03-02T17:00:00Z', '2026-03-20T20:00:00Z');
  t = tabletSession(a, tablet, t);
  for (let i = 0; i < 2; i++) {
    t = tabletSession(b, tablet, t + int(1, 6) * DAY + int(0, 2) * HOUR);
    t = tabletSession(a, tablet, t + int(1, 6) * DAY + int(0, 2) * HOUR);
  }
  (stories.households ??= []).push({ tablet, first: a, second: b });
}

/** Two partners signing in to their own accounts with one family mailbox: the email may link to one userId only. */
function sharedEmail(country, lastName, [firstA, firstB], familyEmail, city) {
  const a = newPerson({ country, firstName: firstA, lastName, email: familyEmail, city });
  const b = newPerson({ country, firstName: firstB, lastName, email: familyEmail, address: { ...a.address } });
  webJourney(a, { startMs: between('2026-01-15T07:00:00Z', '2026-02-05T21:00:00Z'), sessions: 2 });
  const t = webJourney(b, { startMs: between('2026-02-20T07:00:00Z', '2026-03-10T21:00:00Z'), sessions: 1 });
  // Later she adds her own address in the account settings; that one links without trouble.
  b.email = uniqueEmail(b.firstName, b.lastName, b.birthday.slice(0, 4));
  emit(clampEvent(t + 3 * DAY), { type: 'IDENTIFY', userId: b.userId, traits: { email: b.email }, source: 'web', context: webContext(b) });
  (stories.sharedEmails ??= []).push({ email: familyEmail, first: a, second: b });
}

/** Two sales reps each created a contact for the same person: the second CRM_ID may not join the first. */
function crmDuplicate() {
  const pierre = newPerson({ country: 'FR', firstName: 'Pierre', lastName: 'Lefèvre', email: 'pierre.lefevre@example.org', city: 'Lyon', company: 'Cabinet Moreau & Associés' });
  crmRecord(pierre, { createdMs: at('2025-04-09T09:00:00Z'), consents: true });
  const mobile = newPhone('FR', pierre.address, true);
  const duplicate = addRecord('crm', pierre, at('2025-10-02T13:45:00Z'), {
    attributes: { firstName: 'Pierre', lastName: 'Lefevre', email: 'Pierre.Lefevre@example.org', phone: COUNTRIES.FR.crmFormat(mobile), company: pierre.company, address: { ...pierre.address } },
  }, `${pierre.key}:duplicate`);
  webJourney(pierre, { startMs: at('2026-03-18T12:00:00Z'), sessions: 1 });
  stories.crmDuplicate = { person: pierre, duplicate };
}

// ---------------------------------------------------------------------------------------------------------------
// Everyone else
// ---------------------------------------------------------------------------------------------------------------

const NAMED_PEOPLE = 275;
const ANONYMOUS_VISITORS = 25;

function ordinaryPerson() {
  const p = newPerson();
  const inCrm = chance(0.66);
  const onWeb = chance(0.55);
  const onMobile = chance(onWeb ? 0.25 : 0.3);
  let inShop = chance(onWeb ? 0.3 : 0.22);
  const inSupport = chance(0.17);
  if (!inCrm && !onWeb && !onMobile && !inSupport) inShop = true;

  if (inCrm) {
    const update = chance(0.09) ? { kind: pick(['phone', 'move']) } : null;
    crmRecord(p, { update, withdraw: !update && chance(0.02) });
  }
  if (inShop) shopRecord(p, { shipTo: chance(0.15) ? newAddress(p.country) : null });
  if (inSupport) {
    // A ticket quotes the number the caller had then, which may be one the CRM has since replaced.
    supportTicket(p, { contact: inCrm ? undefined : pick(['email', 'both']) });
    if (chance(0.15)) supportTicket(p, { contact: inCrm ? 'phone' : 'both' });
  }
  if (onWeb) webJourney(p, { consent: chance(0.45) });
  if (onMobile) mobileJourney(p);
}

/** People who only ever browse: they stay anonymous customers. */
function anonymousVisitor() {
  const anonymousId = newAnonymousId(null);
  const t = between('2026-01-05T07:00:00Z', '2026-06-25T21:00:00Z');
  anonymousBrowse(null, anonymousId, t, { consent: chance(0.4), views: int(1, 5) });
  return anonymousId;
}

// ---------------------------------------------------------------------------------------------------------------
// Deliberate mistakes
// ---------------------------------------------------------------------------------------------------------------

/** Payloads the API must refuse into the dead-letter queue, each for one reason. */
function badEvents(someone) {
  const cases = [
    ['2026-02-03T11:00:00Z', 'MISSING_MESSAGE_ID: server-side integration forgot messageId', {
      noMessageId: true, type: 'TRACK', userId: someone.userId, event: 'Order Completed',
      properties: { orderId: 'ORD-39999', total: 59.8, currency: 'EUR' }, source: 'web',
    }],
    ['2026-02-17T09:30:00Z', 'MISSING_FIELD: TRACK without event', {
      type: 'TRACK', userId: someone.userId, properties: { value: 12 }, source: 'web',
    }],
    ['2026-03-01T12:00:00Z', 'INVALID_TIMESTAMP: "yesterday"', {
      type: 'PAGE', anonymousId: `anon-${uuid()}`, name: 'Home', source: 'web', timestamp: 'yesterday',
    }],
    ['2026-03-12T08:15:00Z', 'NO_IDENTIFIERS: userId "anonymous" is blocked and nothing else identifies', {
      type: 'IDENTIFY', userId: 'anonymous', traits: { plan: 'free' }, source: 'web',
    }],
    ['2026-04-02T10:45:00Z', 'INVALID_TYPE: "EXPLODE"', { type: 'EXPLODE', userId: someone.userId, source: 'mobile' }],
    ['2026-04-19T16:20:00Z', 'MISSING_FIELD: ALIAS without previousId', { type: 'ALIAS', userId: someone.userId, source: 'mobile' }],
    ['2026-05-06T13:10:00Z', 'MISSING_FIELD: neither userId nor anonymousId', { type: 'PAGE', name: 'Checkout', source: 'web' }],
    ['2026-05-28T20:05:00Z', 'INVALID_FIELD: consent preference "yes" is not a boolean', {
      type: 'PAGE', anonymousId: `anon-${uuid()}`, name: 'Home', source: 'web', context: consentContext({ analytics: 'yes' }),
    }],
  ];
  for (const [when, reason, body] of cases) emit(at(when), body, { _bad: reason });
}

/** Good events carrying placeholder values a tracking setup leaks: the value is dropped, the event still resolves. */
function blockedValues(web, mobileUser, visitorAnonymousId) {
  const zeroDevice = { ...mobileUser.devices[0], id: '00000000-0000-0000-0000-000000000000' };
  const cases = [
    ['2026-02-09T10:10:00Z', `userId "null" blocked; resolves by anonymousId ${visitorAnonymousId}`, {
      type: 'PAGE', userId: 'null', anonymousId: visitorAnonymousId, name: 'Sale', source: 'web', context: webContext(null),
    }],
    ['2026-03-03T19:25:00Z', `email "test@" invalid; resolves by userId ${web[0].userId}`, {
      type: 'IDENTIFY', userId: web[0].userId, traits: { email: 'test@', firstName: web[0].firstName }, source: 'web',
      context: webContext(web[0]),
    }],
    ['2026-03-21T07:50:00Z', `phone "000-000" blocked; resolves by userId ${web[1].userId}`, {
      type: 'IDENTIFY', userId: web[1].userId, traits: { phone: '000-000' }, source: 'web', context: webContext(web[1]),
    }],
    ['2026-04-11T21:35:00Z', `userId "undefined" blocked; resolves by anonymousId to ${web[2].userId}`, {
      type: 'PAGE', userId: 'undefined', anonymousId: web[2].anonymousIds[0], name: 'Blog', source: 'web',
      context: webContext(web[2]),
    }],
    ['2026-05-14T12:00:00Z', `all-zero device id blocked; resolves by userId ${mobileUser.userId}`, {
      type: 'SCREEN', userId: mobileUser.userId, name: 'Home', source: 'mobile', context: deviceContext(zeroDevice),
    }],
  ];
  for (const [when, note, body] of cases) emit(at(when), body, { _blocked: note });
}

// ---------------------------------------------------------------------------------------------------------------
// Assemble
// ---------------------------------------------------------------------------------------------------------------

annaSchmidt();
jamesCarter();
household('DE', 'Müller', ['Katrin', 'Jonas'], 'Hamburg');
household('US', 'Johnson', ['Rachel', 'Tyler'], 'Seattle');
household('FR', 'Dubois', ['Céline', 'Hugo'], 'Nantes');
household('GB', 'Patel', ['Anjali', 'Rohan'], 'Leeds');
sharedEmail('DE', 'Becker', ['Thomas', 'Sabine'], 'familie.becker@example.net', 'Köln');
sharedEmail('US', 'Garcia', ['Maria', 'Carlos'], 'garcia.family@example.com', 'Austin');
crmDuplicate();
const storyPeople = new Set(people);
while (people.length < NAMED_PEOPLE) ordinaryPerson();
const visitors = Array.from({ length: ANONYMOUS_VISITORS }, anonymousVisitor);

// The mistakes are planted on ordinary people so the story customers stay clean to demo.
const webUsers = people.filter((p) => !storyPeople.has(p) && p.userId && p.anonymousIds.length > 0);
const mobileUsers = people.filter((p) => !storyPeople.has(p) && p.devices.length > 0);
badEvents(webUsers[3]);
blockedValues(webUsers, mobileUsers[0], visitors[0]);

// Stable sort: ties keep the order a journey emitted them in.
records.sort((a, b) => a._t - b._t);
events.sort((a, b) => a._t - b._t);

// External ids count up with creation time, as in the systems they come from.
const prefixes = { crm: ['CRM-', 100], ecommerce: ['SHOP-', 200_000], support: ['SUP-', 4_000] };
const externalIds = new Map();
for (const record of records) {
  if (!externalIds.has(record._group)) {
    const counter = prefixes[record.source];
    externalIds.set(record._group, `${counter[0]}${String(counter[1]++).padStart(6, '0')}`);
  }
  record.externalId = externalIds.get(record._group);
  if (record.source === 'crm') {
    record.identifiers = [{ type: 'CRM_ID', value: record.externalId }];
    if (!crmIdOf.has(record._owner)) crmIdOf.set(record._owner, record.externalId);
  }
}

let messageSeq = 0;
const outRecords = records.map((r) => ({
  source: r.source,
  externalId: r.externalId,
  updatedAt: r.updatedAt,
  attributes: r.attributes,
  ...(r.identifiers ? { identifiers: r.identifiers } : {}),
  ...(r.consents ? { consents: r.consents } : {}),
}));
const outEvents = events.map((e) => {
  const { _t, _bad, _blocked, noMessageId, ...body } = e;
  e.messageId = noMessageId ? null : `demo-evt-${String(++messageSeq).padStart(6, '0')}`;
  const ordered = {
    ...(e.messageId ? { messageId: e.messageId } : {}),
    type: body.type,
    ...Object.fromEntries(['userId', 'anonymousId', 'previousId', 'event', 'name', 'traits', 'properties', 'context'].filter((k) => body[k] !== undefined).map((k) => [k, body[k]])),
    timestamp: body.timestamp,
    source: body.source,
  };
  return ordered;
});

mkdirSync(OUT_DIR, { recursive: true });
// One item per line: still a JSON array, but grep for an id shows the whole item and diffs stay small.
const jsonLines = (items) => `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]\n`;
writeFileSync(path.join(OUT_DIR, 'records.json'), jsonLines(outRecords));
writeFileSync(path.join(OUT_DIR, 'events.json'), jsonLines(outEvents));

// ---------------------------------------------------------------------------------------------------------------
// Summary: the numbers and ids the README quotes
// ---------------------------------------------------------------------------------------------------------------

const tally = (list, key) => list.reduce((acc, x) => ({ ...acc, [key(x)]: (acc[key(x)] ?? 0) + 1 }), {});
const name = (p) => `${p.firstName} ${p.lastName}`;
const firstMessage = (predicate) => events.find(predicate)?.messageId;
const lines = [];
const say = (text = '') => lines.push(text);

say(`records: ${outRecords.length} ${JSON.stringify(tally(outRecords, (r) => r.source))}`);
say(`events: ${outEvents.length} ${JSON.stringify(tally(outEvents, (e) => e.type))} by source ${JSON.stringify(tally(outEvents, (e) => e.source))}`);
say(`people: ${people.length + visitors.length} (${people.length} named, ${visitors.length} anonymous-only visitors)`);
const peopleIn = (source) => new Set(records.filter((r) => r.source === source).map((r) => r._owner)).size;
say(`  with CRM record ${peopleIn('crm')}, shop ${peopleIn('ecommerce')}, support ${peopleIn('support')}, ` +
  `userId ${people.filter((p) => p.userId).length}, phone app ${people.filter((p) => p.devices.length > 0).length}`);
say(`  by country ${JSON.stringify(tally(people, (p) => p.country))}`);
say(`time span: records ${outRecords[0].updatedAt} .. ${outRecords.at(-1).updatedAt}; events ${events.find((e) => !e._bad)?.timestamp} .. ${events.at(-1).timestamp}`);
say();
const anna = stories.anna;
say(`ALL SOURCES: ${name(anna)} ${anna.email} crm ${crmIdOf.get(anna)} (2 versions, Berlin -> Potsdam, marketing_email WITHDRAWN), ` +
  `support ${records.find((r) => r._owner === anna && r.source === 'support').externalId} (phone only "+49 (0)30 2312 5678"), ` +
  `shop ${records.find((r) => r._owner === anna && r.source === 'ecommerce').externalId} (" Anna.Schmidt@Example.com "), ` +
  `web ${anna.userId} anon ${anna.anonymousIds.slice(0, 2).join(', ')}, app ${anna.devices[0].id} (${anna.devices[0].model})`);
const james = stories.james;
say(`CROSS-SOURCE MERGE: ${name(james.person)} anon ${james.anonymousId} first page ${firstMessage((e) => e.anonymousId === james.anonymousId)}, ` +
  `crm ${crmIdOf.get(james.person)} (${james.person.email}, 2026-02-20), IDENTIFY ${firstMessage((e) => e.type === 'IDENTIFY' && e.userId === james.person.userId)} userId ${james.person.userId} merges them`);
for (const h of stories.households) {
  const firstB = firstMessage((e) => e.userId === h.second.userId && e.context?.device?.id === h.tablet.id);
  say(`SHARED DEVICE: ${h.tablet.id} (${h.tablet.manufacturer} ${h.tablet.model}) used by ${h.first.userId} ${name(h.first)} and ${h.second.userId} ${name(h.second)}; first refused at ${firstB}`);
}
for (const s of stories.sharedEmails) {
  const refused = firstMessage((e) => e.type === 'IDENTIFY' && e.userId === s.second.userId && e.traits?.email === s.email);
  say(`SHARED EMAIL: ${s.email} claimed by ${s.first.userId} ${name(s.first)} and ${s.second.userId} ${name(s.second)}; refused at ${refused}; ${s.second.userId} later links ${s.second.email}`);
}
const dup = stories.crmDuplicate;
say(`CRM DUPLICATE: ${name(dup.person)} ${dup.person.email} in ${crmIdOf.get(dup.person)} and ${dup.duplicate.externalId} ("${dup.duplicate.attributes.email}"): EMAIL refused for the second CRM_ID`);
for (const u of exemplars.crmUpdates.slice(0, 8)) say(`CRM UPDATE: ${u.first.externalId} ${name(u.person)} ${u.first.updatedAt} -> ${u.second.updatedAt}: ${u.what}`);
say(`CRM UPDATES total: ${exemplars.crmUpdates.length}`);
for (const w of exemplars.withdrawn) {
  const granted = records.find((r) => r.externalId === w.record.externalId && r.consents?.some((c) => c.status === 'GRANTED'));
  const grantedAt = granted.consents.find((c) => c.purpose === 'marketing_email').occurredAt;
  say(`WITHDRAWN: ${w.record.externalId} ${name(w.person)} marketing_email GRANTED ${grantedAt} -> WITHDRAWN ${w.record.consents[0].occurredAt}`);
}
for (const m of exemplars.messyEmails.slice(0, 6)) say(`MESSY EMAIL: ${m.record.externalId} ${JSON.stringify(m.raw)} -> ${m.person.email}`);
say(`MESSY EMAILS total: ${exemplars.messyEmails.length}`);
for (const t of exemplars.phoneOnlyTickets.slice(0, 8)) {
  const crm = records.find((r) => r._owner === t.person && r.source === 'crm');
  say(`PHONE-ONLY TICKET: ${t.record.externalId} ${JSON.stringify(t.raw)}${crm ? ` vs ${crm.externalId} "${crm.attributes.phone}"` : ''}`);
}
say(`PHONE-ONLY TICKETS total: ${exemplars.phoneOnlyTickets.length}`);
say(`EVENT CONSENT: ${events.filter((e) => e.context?.consent).length} events carry categoryPreferences; CRM records with consents: ${outRecords.filter((r) => r.consents).length}`);
for (const e of events.filter((x) => x._bad)) say(`DEAD LETTER: ${e.messageId ?? '(no messageId)'} ${e.type} ${e._bad}`);
for (const e of events.filter((x) => x._blocked)) say(`BLOCKED VALUE: ${e.messageId} ${e.type}: ${e._blocked}`);
console.log(lines.join('\n'));
