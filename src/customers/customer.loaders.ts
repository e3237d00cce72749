import DataLoader from 'dataloader';
import type { CustomerRepository, LinkRow, ProfileRow, Relation } from './customer.repository';

/** Per-request loaders: however many customers a query touches, each kind of read is one Cypher query. */
export function createCustomerLoaders(repository: CustomerRepository) {
  const relation = <Row extends { customerId: string }>(name: Relation) =>
    new DataLoader<string, Row[]>(async (ids) => {
      const grouped = await repository.relation<Row>(name, ids);
      return ids.map((id) => grouped.get(id) ?? []);
    });
  const profile = new DataLoader<string, ProfileRow | null>(async (ids) => {
    const rows = await repository.profilesByIds(ids);
    return ids.map((id) => rows.get(id) ?? null);
  });
  return {
    /** By customer id (an absorbed id gives the survivor's profile). */
    profile,
    /** By identifier key; what it finds also answers later loads of the same customer by id. */
    profileByIdentifierKey: new DataLoader<string, ProfileRow | null>(async (keys) => {
      const rows = await repository.profilesByIdentifierKeys(keys);
      for (const row of rows.values()) profile.prime(row.customer.id, row);
      return keys.map((key) => rows.get(key) ?? null);
    }),
    identifierLink: new DataLoader<string, LinkRow | null>(async (keys) => {
      const links = await repository.identifierLinks(keys);
      return keys.map((key) => links.get(key) ?? null);
    }),
    deviceUsage: new DataLoader<string, number>(async (ids) => {
      const usage = await repository.deviceUsage(ids);
      return ids.map((id) => usage.get(id) ?? 0);
    }),
    attributeLineage: new DataLoader<string, string | null>(async (ids) => {
      const lineage = await repository.attributeLineage(ids);
      return ids.map((id) => lineage.get(id) ?? null);
    }),
    sourceRecords: relation<{ customerId: string; record: Record<string, unknown> }>('sourceRecords'),
    mergeHistory: relation<{ customerId: string; merge: Record<string, unknown> }>('mergeHistory'),
    conflicts: relation<{ customerId: string; conflict: Record<string, unknown> }>('conflicts'),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
