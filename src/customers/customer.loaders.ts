import DataLoader from 'dataloader';
import type { CustomerRepository, CustomerRow, Relation } from './customer.repository';

/** Per-request loaders: however many customers a query touches, each kind of read is one Cypher query. */
export function createCustomerLoaders(repository: CustomerRepository) {
  const relation = <Row extends { customerId: string }>(name: Relation) =>
    new DataLoader<string, Row[]>(async (ids) => {
      const grouped = await repository.relation<Row>(name, ids);
      return ids.map((id) => grouped.get(id) ?? []);
    });
  return {
    customer: new DataLoader<string, CustomerRow | null>(async (ids) => {
      const rows = await repository.byIds(ids);
      return ids.map((id) => rows.get(id) ?? null);
    }),
    customerIdByIdentifierKey: new DataLoader<string, string | null>(async (keys) => {
      const ids = await repository.customerIdsByIdentifierKeys(keys);
      return keys.map((key) => ids.get(key) ?? null);
    }),
    identifiers: relation<import('./customer.repository').IdentifierRow>('identifiers'),
    devices: relation<{ customerId: string; device: Record<string, string | null>; firstSeen: Date; lastSeen: Date; customersUsing: number }>('devices'),
    consents: relation<{ customerId: string; consent: Record<string, unknown> }>('consents'),
    sourceRecords: relation<{ customerId: string; record: Record<string, unknown> }>('sourceRecords'),
    mergeHistory: relation<{ customerId: string; merge: Record<string, unknown> }>('mergeHistory'),
    conflicts: relation<{ customerId: string; conflict: Record<string, unknown> }>('conflicts'),
  };
}

export type CustomerLoaders = ReturnType<typeof createCustomerLoaders>;
