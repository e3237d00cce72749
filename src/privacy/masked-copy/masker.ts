import { createHmac } from 'node:crypto';
import type { Candidates } from '../../identity/profile-attributes';
import { decodeCandidates, encodeCandidates } from '../../identity/stored-candidates';
import { decodeEvidence, encodeEvidence, type Evidence } from '../../identity/evidence';
import type { IdentifierNormalizer } from '../../identity/identifier-normalizer';
import { mapJson } from '../../shared/json-tree';
import { identifierKey, recordKey, type IdentifierType } from '../../kernel/identifier-type';
import { fromKeyPart } from '../../kernel/key-parts';
import type { CopyNode, CopyRelationship } from './copy-format';

type Json = Record<string, unknown>;

/** Payload keys whose values are not personal and keep their meaning in a test environment. */
const KEEP_KEYS = new Set([
  'messageId', 'type', 'event', 'source', 'timestamp', 'updatedAt', 'occurredAt', 'purpose', 'status', 'city', 'state',
  'country', 'region', 'gender', 'model', 'manufacturer', 'currency', 'library', 'version', 'locale', 'timezone',
]);
const NAME_KEYS = new Set(['firstName', 'first_name', 'lastName', 'last_name', 'name']);
const ID_KEYS = new Set(['userId', 'anonymousId', 'previousId', 'crmId', 'crm_id', 'externalId', 'id']);
/** A record key (source and external id escaped), with the version's time when it is an idempotency key. */
const EVENT_KEY = 'EVENT:';
/** Consent statements made through setConsent name the staff member who made them; that is not the customer's. */
const API_CAUSE = 'setConsent by ';
const RECORD_REF = /^RECORD:([^:]*):(.*?)(@\d{4}-\d{2}-\d{2}T[^@]*)?$/;

/**
 * Deterministic pseudonyms for a non-production copy: HMAC of the value under a key, so the same email always
 * becomes the same pseudonym, and every place a value appears (identifier, its key, the golden record, a source
 * record, a merge, a conflict, a dead letter) gets the same one; so does a messageId, which a sender may fill with
 * anything. Ids that are random UUIDs stay: they are what holds the graph together and say nothing about the person. Without the key a pseudonym cannot be reversed by
 * guessing values.
 */
export class Masker {
  constructor(
    private readonly key: string,
    private readonly normalizer: IdentifierNormalizer,
  ) {}

  private hex(kind: string, value: string, length: number): string {
    return createHmac('sha256', this.key).update(`${kind}\u0000${value}`).digest('hex').slice(0, length);
  }

  private digits(kind: string, value: string, count: number): string {
    return BigInt(`0x${this.hex(kind, value, 24)}`).toString().padStart(count, '0').slice(-count);
  }

  email(value: string): string {
    const normalized = this.normalizer.normalize('EMAIL', value);
    return `user-${this.hex('email', normalized.ok ? normalized.identifier.value : value.trim().toLowerCase(), 16)}@example.invalid`;
  }

  /** +999 is no country's code: a masked number can never ring anyone. */
  phone(value: string): string {
    const normalized = this.normalizer.normalize('PHONE', value);
    return `+999${this.digits('phone', normalized.ok ? normalized.identifier.value : value.trim(), 11)}`;
  }

  /** User, CRM, anonymous and device ids and external ids share one function: a CRM id and the record's externalId stay equal. */
  token(value: string): string {
    return `id-${this.hex('id', value.trim(), 20)}`;
  }

  name(value: string): string {
    return `Name-${this.hex('name', value.trim().toLowerCase(), 8)}`;
  }

  text(value: string): string {
    return `text-${this.hex('text', value, 12)}`;
  }

  birthday(value: string): string {
    const n = Number(this.digits('birthday', value, 6));
    const pad = (x: number) => String(x).padStart(2, '0');
    return `${1940 + (n % 65)}-${pad(1 + (n % 12))}-${pad(1 + (n % 28))}`;
  }

  identifierValue(type: string, value: string): string {
    if (value === '[erased]') return value;
    if (type === 'EMAIL') return this.email(value);
    if (type === 'PHONE') return this.phone(value);
    if (this.normalizer.types.get(type)?.builtIn === false) {
      // As stored (cased, trimmed): a payload's raw value and its Identifier then get the same pseudonym.
      const normalized = this.normalizer.normalize(type, value);
      return this.token(normalized.ok ? normalized.identifier.value : value);
    }
    return this.token(value);
  }

  recordKey(key: string): string {
    const match = RECORD_REF.exec(key);
    return match ? `${recordKey(fromKeyPart(match[1]), this.token(fromKeyPart(match[2])))}${match[3] ?? ''}` : key;
  }

  /** A messageId is the sender's and can hold anything (an email): a pseudonym of its own, the same everywhere. */
  messageId(value: string): string {
    return `msg-${this.hex('message', value, 20)}`;
  }

  /** A cause: a source record's key (its externalId masked), who recorded a consent through the API, or a messageId. */
  ref(ref: string | null | undefined): string | null {
    if (ref === null || ref === undefined) return null;
    if (ref.startsWith('RECORD:')) return this.recordKey(ref);
    return ref.startsWith(API_CAUSE) ? ref : this.messageId(ref);
  }

  /** `EVENT:<messageId>`, or a record version's key. */
  idempotencyKey(key: string): string {
    return key.startsWith(EVENT_KEY) ? `${EVENT_KEY}${this.messageId(key.slice(EVENT_KEY.length))}` : this.recordKey(key);
  }

  attribute(attribute: string, value: string): string {
    switch (attribute) {
      case 'email':
        return this.email(value);
      case 'phone':
        return this.phone(value);
      case 'firstName':
      case 'lastName':
        return this.name(value);
      case 'birthday':
        return this.birthday(value);
      case 'street':
      case 'postalCode':
      case 'company':
        return this.text(value);
      default:
        return value;
    }
  }

  /**
   * Raw payloads and record attributes, whatever their shape (and depth: a dead letter stored before payloads were
   * bounded may nest thousands of levels): known keys keep meaning, other strings are masked.
   */
  payload(value: unknown): unknown {
    return mapJson(
      value,
      (leaf, key) => (typeof leaf === 'string' ? this.payloadText(leaf, key) : leaf),
      // An identifier as a record lists it: {type, value}.
      (object) =>
        typeof object.type === 'string' && typeof object.value === 'string' && Object.keys(object).length === 2
          ? { type: object.type, value: this.identifierValue(object.type, object.value) }
          : undefined,
    );
  }

  private payloadText(value: string, key: string): string | null {
    if (KEEP_KEYS.has(key)) return key === 'messageId' ? this.ref(value) : value;
    if (key === 'email') return this.email(value);
    if (key === 'phone') return this.phone(value);
    if (NAME_KEYS.has(key)) return this.name(value);
    if (ID_KEYS.has(key)) return this.token(value);
    const configured = this.normalizer.types.configured.find((type) => type.fields.includes(key));
    if (configured) return this.identifierValue(configured.name, value);
    if (key === 'birthday' || key === 'birthDate' || key === 'birth_date' || key === 'dateOfBirth') return this.birthday(value);
    return this.text(value);
  }

  private json(text: unknown, mask: (parsed: unknown) => unknown): unknown {
    if (typeof text !== 'string') return text;
    try {
      return JSON.stringify(mask(JSON.parse(text)));
    } catch {
      return this.text(text);
    }
  }

  node(node: CopyNode): CopyNode {
    const p = { ...node.properties };
    const set = (key: string, mask: (value: string) => unknown) => {
      if (typeof p[key] === 'string') p[key] = mask(p[key] as string);
    };
    for (const label of node.labels) {
      switch (label) {
        case 'Customer':
          for (const attribute of ['email', 'phone', 'firstName', 'lastName', 'birthday', 'street', 'postalCode', 'company']) {
            set(attribute, (v) => this.attribute(attribute, v));
          }
          set('candidates', (v) => {
            try {
              const candidates = Object.entries(decodeCandidates(v)).map(([attribute, list]) => [
                attribute,
                list.map((x) => ({ ...x, value: this.attribute(attribute, x.value), ref: this.ref(x.ref) })),
              ]);
              return encodeCandidates(Object.fromEntries(candidates) as Candidates);
            } catch {
              return this.text(v);
            }
          });
          set('matchRecords', (v) => this.json(v, (records) => (records as Record<string, string>[]).map((r) => this.matchRecord(r))));
          // Dumps of databases older than the compact-lineage migration hold each golden value's reference here too.
          set('attributeLineage', (v) => this.json(v, (l) => (l as { ref: string }[]).map((x) => ({ ...x, ref: this.ref(x.ref) }))));
          break;
        case 'Identifier': {
          const type = String(p.type);
          set('value', (v) => this.identifierValue(type, v));
          if (typeof p.value === 'string') p.key = identifierKey(type as IdentifierType, p.value);
          break;
        }
        case 'SourceRecord':
          set('key', (v) => this.recordKey(v));
          set('externalId', (v) => this.token(v));
          set('attributes', (v) => this.json(v, (a) => this.payload(a)));
          break;
        case 'Device':
          set('id', (v) => this.token(v));
          break;
        case 'Conflict': {
          const type = String(p.identifierType);
          set('identifierValue', (v) => this.identifierValue(type, v));
          set('key', (v) => (v.startsWith('erased:') ? v : this.hex('conflict', v, 64)));
          set('cause', (v) => this.ref(v));
          set('lastCause', (v) => this.ref(v));
          break;
        }
        case 'MatchKey':
          // A hash of real attributes (a birth date, a street): re-hashed under the key, it blocks nothing real.
          set('key', (v) => this.hex('match-key', v, 22));
          break;
        case 'MatchCandidate':
        case 'Merge':
        case 'Consent':
          set('cause', (v) => this.ref(v));
          break;
        case 'DeletedRecord':
          set('key', (v) => this.recordKey(v));
          break;
        case 'Ingestion':
          set('key', (v) => this.idempotencyKey(v));
          set('evidence', (v) => this.evidence(v));
          break;
        case 'DeadLetter':
          set('id', (v) => this.hex('dead-letter', v, 32));
          set('sortKey', (v) => v.replace(/\|.*$/, `|${this.hex('dead-letter', v.split('|')[1] ?? '', 32)}`));
          set('messageId', (v) => this.ref(v));
          set('payload', (v) => this.json(v, (payload) => this.payload(payload)));
          break;
        case 'ErasureRequest':
          set('reason', (v) => this.text(v));
          break;
        default:
          break;
      }
    }
    return { ...node, properties: p };
  }

  /** A profile's match record (see identity/matching/match-record.ts), each value masked like the attribute it comes from. */
  matchRecord(record: Record<string, string>): Record<string, string> {
    const as: Record<string, string> = { firstName: 'firstName', lastName: 'lastName', birthday: 'birthday', street: 'street', postalCode: 'postalCode', phone: 'phone' };
    return Object.fromEntries(
      Object.entries(record).map(([field, value]) => [field, field === 'emailLocal' ? this.text(value) : as[field] ? this.attribute(as[field], value) : value]),
    );
  }

  /** The evidence log's entry with every value masked as it is where it was applied, so a masked copy still rebuilds. */
  evidence(json: string): string {
    try {
      const { item, device, consents, position, modelVersion } = decodeEvidence(json);
      const identifier = ({ type, value }: { type: string; value: string }) => {
        const pseudonym = this.identifierValue(type, value);
        return { type, value: pseudonym, key: identifierKey(type, pseudonym) };
      };
      const masked: Evidence = {
        item: {
          ...item,
          cause: this.ref(item.cause)!,
          identifiers: item.identifiers.map(identifier),
          // A retirement names its identifier: masked like any, so the copy still retires it.
          ...(item.decision?.kind === 'RETIRE' ? { decision: { ...item.decision, identifier: identifier(item.decision.identifier) } } : {}),
          ...(item.recordKey ? { recordKey: this.recordKey(item.recordKey) } : {}),
          observations: Object.fromEntries(Object.entries(item.observations).map(([a, v]) => [a, this.attribute(a, v!)])),
        },
        device: device ? { ...device, id: this.token(device.id) } : null,
        consents,
        position,
        ...(modelVersion !== undefined ? { modelVersion } : {}),
      };
      return encodeEvidence(masked);
    } catch {
      return this.text(json);
    }
  }

  relationship(relationship: CopyRelationship): CopyRelationship {
    const p = { ...relationship.properties };
    if (typeof p.cause === 'string') p.cause = this.ref(p.cause);
    if (relationship.type === 'ABSORBED') {
      if (typeof p.viaValue === 'string') p.viaValue = this.identifierValue(String(p.viaType), p.viaValue);
      if (typeof p.viaRecordKey === 'string') p.viaRecordKey = this.recordKey(p.viaRecordKey);
    }
    return { ...relationship, properties: p };
  }
}
