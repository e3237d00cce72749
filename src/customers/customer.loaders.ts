import DataLoader from 'dataloader';
import type { CustomerRepository, DeviceUsage, LinkRow, ProfileRow, Relation, RelationRows, StoredLineage } from './customer.repository';
import { FULL_SELECTION, selectionKey, type ProfileSelection } from './profile-selection';

type ProfileLoader = DataLoader<string, ProfileRow | null>;

/** Per-request loaders: however many customers a query touches, each kind of read is one Cypher query. */
export function createCustomerLoaders(repository: CustomerRepository) {
  const relation = <R extends Relation>(name: R) =>
    new DataLoader<string, RelationRows[R][]>(async (ids) => {
      const grouped = await repository.relation(name, ids);
      return ids.map((id) => grouped.get(id) ?? []);
    });
  const byId = (select: ProfileSelection) =>
    new DataLoader<string, ProfileRow | null>(async (ids) => {
      const rows = await repository.profilesByIds(ids, select);
      return ids.map((id) => rows.get(id) ?? null);
    });
  const profile = byId(FULL_SELECTION);
  const byIdentifierKey = (select: ProfileSelection) =>
    new DataLoader<string, ProfileRow | null>(async (keys) => {
      const rows = await repository.profilesByIdentifierKeys(keys, select);
      // Only a whole profile may answer later loads by id: a partial one lacks what they may ask for.
      if (select === FULL_SELECTION) for (const row of rows.values()) profile.prime(row.customer.id, row);
      return keys.map((key) => rows.get(key) ?? null);
    });
  /** One loader per selection: fields asking for the same selection share its batch and its cache. */
  const perSelection = (full: ProfileLoader, make: (select: ProfileSelection) => ProfileLoader) => {
    const loaders = new Map<string, ProfileLoader>();
    return (select: ProfileSelection): ProfileLoader => {
      if (select === FULL_SELECTION) return full;
      const key = selectionKey(select);
      let loader = loaders.get(key);
      if (!loader) loaders.set(key, (loader = make(select)));
      return loader;
    };
  };
  return {
    /** By customer id (an absorbed id gives the survivor's profile), everything a profile has. */
    profile,
    /** By customer id, only what `select` names. */
    selectedProfile: perSelection(profile, byId),
    /** By identifier key; a whole profile it finds also answers later loads of the same customer by id. */
    profileByIdentifierKey: perSelection(byIdentifierKey(FULL_SELECTION), byIdentifierKey),
    identifierLink: new DataLoader<string, LinkRow | null>(async (keys) => {
      const links = await repository.identifierLinks(keys);
      return keys.map((key) => links.get(key) ?? null);
    }),
    deviceUsage: new DataLoader<string, DeviceUsage>(async (ids) => {
      const usage = await repository.deviceUsage(ids);
      return ids.map((id) => usage.get(id) ?? { customersUsing: 0, sharedAt: null });
    }),
    attributeLineage: new DataLoader<string, StoredLineage>(async (ids) => {
      const lineage = await repository.attributeLineage(ids);
      return ids.map((id) => lineage.get(id) ?? { candidates: null, sources: null });
    }),
    sourceRecords: relation('sourceRecords'),
    mergeHistory: relation('mergeHistory'),
    conflicts: relation('conflicts'),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;

/**
 * The part of a GraphQL context that reads customers: this request's loaders. A subscription lives across many
 * events: each event starts with empty loaders (`renewLoaders`), so none reads stale data.
 */
export type LoadersContext = { readonly loaders: CustomerLoaders; renewLoaders(): void };

