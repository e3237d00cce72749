import type { ConflictReason } from '../kernel/conflict-reason';
import type { CauseKind } from '../kernel/cause-kind';
import type { ConsentStatementRow } from '../consent/consent.repository';
import type { IdentifierType } from '../kernel/identifier-type';
import type { GoldenValues } from '../identity/profile-attributes';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database } from '../infra/neo4j/database';
import { CoalescedLookup } from '../infra/neo4j/coalesced-lookup';
import { MAX_PAGE_SIZE } from '../shared/connection';
import { FULL_SELECTION, selectionKey, type ProfileSelection } from './profile-selection';

/** A profile's lineage as stored: JSON of its candidates and of the source of each golden value (GoldenSources). */
/** Who uses a device, and since when it is shared (null: it still links its one known person). */
export type DeviceUsage = { customersUsing: number; sharedAt: Date | null };

export type StoredLineage = { candidates: string | null; sources: string | null };

export type CustomerRow = {
  id: string;
  status: 'ACTIVE' | 'MERGED';
  createdAt: Date;
  updatedAt: Date;
} & GoldenValues;

export type IdentifierRow = { type: IdentifierType; value: string; firstSeen: Date; lastSeen: Date };

/** Why an identifier belongs to its customer: the properties of its IDENTIFIES relationship. */
export type LinkRow = {
  firstSeen: Date;
  lastSeen: Date;
  linkedAt: Date;
  source: string;
  causeKind: CauseKind;
  cause: string;
  ruleVersion: number;
  originalCustomerId?: string | null;
};

export type DeviceRow = { device: Record<string, string | null>; firstSeen: Date; lastSeen: Date };

/** A customer with the relations nearly every read asks for, fetched together in one query (what was selected of it). */
export type ProfileRow = {
  customer: CustomerRow;
  identifiers: IdentifierRow[];
  devices: DeviceRow[];
  /** Only purpose and status, unless the selection asked for more of a statement (see ProfileSelection.consentDetails). */
  consents: ConsentStatementRow[];
};

/** Times travel as epoch milliseconds (cheaper than zoned DateTimes); they become Dates here. */
type Millis<T> = { [K in keyof T]: T[K] extends Date ? number : T[K] };
const date = (millis: number) => new Date(millis);
const customerFromWire = (c: Millis<CustomerRow>): CustomerRow => ({ ...c, createdAt: date(c.createdAt), updatedAt: date(c.updatedAt) });

/** A profile as the profile queries send it: positional lists, in the order their RETURN and collect() name. */
type WireProfile = {
  customer: unknown[];
  identifiers: [IdentifierType, string, number, number][];
  devices: [string, string | null, string | null, string | null, string | null, number, number][];
  consents: unknown[][];
};

function profileFromWire(wire: WireProfile, select: ProfileSelection): ProfileRow {
  const customer: Record<string, unknown> = {};
  select.customer.forEach((property, i) => {
    const value = wire.customer[i] ?? null;
    customer[property] = (property === 'createdAt' || property === 'updatedAt') && value !== null ? date(value as number) : value;
  });
  return {
    customer: customer as CustomerRow,
    identifiers: wire.identifiers.map(([type, value, firstSeen, lastSeen]) => ({ type, value, firstSeen: date(firstSeen), lastSeen: date(lastSeen) })),
    devices: wire.devices.map(([id, type, model, manufacturer, os, firstSeen, lastSeen]) => ({
      device: { id, type, model, manufacturer, os },
      firstSeen: date(firstSeen),
      lastSeen: date(lastSeen),
    })),
    consents: wire.consents.map(([purpose, status, id, source, causeKind, cause, occurredAt, recordedAt, profileId]) =>
      select.consentDetails
        ? ({ purpose, status, id, source, causeKind, cause, occurredAt: date(occurredAt as number), recordedAt: date(recordedAt as number), profileId } as ConsentStatementRow)
        : // What the selection did not ask for is not read: GraphQL resolves only the fields it selected.
          ({ purpose, status } as ConsentStatementRow),
    ),
  };
}

export type CustomerPageArgs = {
  limit: number;
  after: string | null;
  status: 'ACTIVE' | 'MERGED';
  updatedSince: Date | null;
  country: string | null;
  identifierType: string | null;
  /** Only customers whose current consent for this purpose is GRANTED. */
  purpose: string | null;
};

/** A source record as customers/source-records returns it; `attributes` is the JSON text stored. */
export type SourceRecordRow = { source: string; externalId: string; attributes: string | null; updatedAt: Date; receivedAt: Date; createdAt: Date };

/** A Merge node with its survivor and each customer it absorbed (and by what), as customers/merge-history returns it. */
export type MergeRow = {
  id: string;
  at: Date;
  undoneAt: Date | null;
  undoneBy: string | null;
  ruleVersion: number;
  causeKind: CauseKind;
  cause: string;
  survivorId: string;
  absorbed: {
    customerId: string;
    viaType: IdentifierType | null;
    viaValue: string | null;
    viaRecordKey: string | null;
    matchProbability: number | null;
    matchWeight: number | null;
    matchContributions: string | null;
    modelVersion: number | null;
  }[];
};

/** A Conflict node with both customers it names (each resolved to its survivor), as customers/conflicts returns it. */
export type ConflictRow = {
  id: string;
  at: Date;
  reason: ConflictReason;
  identifierType: IdentifierType;
  identifierValue: string;
  limit: number;
  causeKind: CauseKind;
  cause: string;
  ruleVersion: number;
  count: number;
  lastAt: Date;
  lastCause: string;
  customerId: string;
  otherCustomerId: string | null;
};

/** What each relation query returns per row. */
export type RelationRows = {
  sourceRecords: { customerId: string; record: SourceRecordRow };
  mergeHistory: { customerId: string; merge: MergeRow };
  conflicts: { customerId: string; conflict: ConflictRow };
};

const related = {
  sourceRecords: 'customers/source-records',
  mergeHistory: 'customers/merge-history',
  conflicts: 'customers/conflicts',
} as const;
export type Relation = keyof typeof related;

/** Batched reads of customers and what hangs off them: one query per kind of read, for many customers. */
export class CustomerRepository {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
  ) {
    this.q = registry.bind({
      profilesByIds: 'customers/profiles-by-ids',
      profilesByIdentifierKeys: 'customers/profiles-by-identifier-keys',
      page: 'customers/page',
      anyCustomer: 'customers/any-customer',
      identifierLinks: 'customers/identifier-links',
      deviceUsage: 'customers/device-usage',
      attributeLineage: 'customers/attribute-lineage',
      ...related,
    });
  }

  /** Keyed by the id asked for; an absorbed id maps to its survivor's profile. Only `select` is read. */
  profilesByIds(ids: readonly string[], select: ProfileSelection = FULL_SELECTION): Promise<Map<string, ProfileRow>> {
    return this.byIds.load(selectionKey(select), select, ids);
  }

  /** Keyed by the identifier key asked for (`TYPE:normalised value`). Only `select` is read. */
  profilesByIdentifierKeys(keys: readonly string[], select: ProfileSelection = FULL_SELECTION): Promise<Map<string, ProfileRow>> {
    return this.byIdentifierKeys.load(selectionKey(select), select, keys);
  }

  // Profile reads of concurrent requests that select the same share a query (see CoalescedLookup); a batch holds a
  // whole page of customers, so a page is still one query.
  private readonly byIds = new CoalescedLookup<ProfileSelection, ProfileRow>(async (ids, select) => {
    const rows = await this.db.read<{ askedId: string } & WireProfile>(this.q.profilesByIds, { ids, select });
    return new Map(rows.map((row) => [row.askedId, profileFromWire(row, select)]));
  }, MAX_PAGE_SIZE);

  private readonly byIdentifierKeys = new CoalescedLookup<ProfileSelection, ProfileRow>(async (keys, select) => {
    const rows = await this.db.read<{ key: string } & WireProfile>(this.q.profilesByIdentifierKeys, { keys, select });
    return new Map(rows.map((row) => [row.key, profileFromWire(row, select)]));
  }, MAX_PAGE_SIZE);

  async isEmpty(): Promise<boolean> {
    return (await this.db.read(this.q.anyCustomer)).length === 0;
  }

  async identifierLinks(keys: readonly string[]): Promise<Map<string, LinkRow>> {
    const rows = await this.db.read<{ key: string; link: LinkRow }>(this.q.identifierLinks, { keys });
    return new Map(rows.map((row) => [row.key, row.link]));
  }

  async deviceUsage(ids: readonly string[]): Promise<Map<string, DeviceUsage>> {
    const rows = await this.db.read<{ deviceId: string } & DeviceUsage>(this.q.deviceUsage, { ids });
    return new Map(rows.map(({ deviceId, ...usage }) => [deviceId, usage]));
  }

  /** The golden record's lineage as stored: the candidates and the source of each golden value, as JSON. */
  async attributeLineage(ids: readonly string[]): Promise<Map<string, StoredLineage>> {
    const rows = await this.db.read<{ customerId: string } & StoredLineage>(this.q.attributeLineage, { ids });
    return new Map(rows.map(({ customerId, candidates, sources }) => [customerId, { candidates, sources }]));
  }

  /** A page of customers in creation order, after the customer id `after`. */
  async page(args: CustomerPageArgs): Promise<CustomerRow[]> {
    const rows = await this.db.read<{ customer: Millis<CustomerRow> }>(this.q.page, {
      limit: args.limit,
      after: args.after ?? '',
      status: args.status,
      updatedSince: args.updatedSince?.toISOString() ?? null,
      country: args.country,
      identifierType: args.identifierType,
      purpose: args.purpose,
    });
    return rows.map((row) => customerFromWire(row.customer));
  }

  /** Rows of one relation for many customers, grouped by customer id in the order the query sorted them. */
  async relation<R extends Relation>(relation: R, ids: readonly string[]): Promise<Map<string, RelationRows[R][]>> {
    type Row = RelationRows[R];
    const rows = await this.db.read<Row>(this.q[relation], { ids });
    const grouped = new Map<string, Row[]>();
    for (const row of rows) {
      const list = grouped.get(row.customerId) ?? [];
      list.push(row);
      grouped.set(row.customerId, list);
    }
    return grouped;
  }
}
