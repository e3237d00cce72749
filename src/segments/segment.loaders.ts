import DataLoader from 'dataloader';
import type { CustomerLoaders } from '../customers/customer.loaders';
import type { SegmentRow } from './segment.repository';
import type { SegmentRepository } from './segment.repository';

export type SegmentLoaders = {
  segment: DataLoader<string, SegmentRow | null>;
  ofCustomer: DataLoader<string, { segmentId: string; since: string }[]>;
};

/** Keyed by the request's customer loaders, so they live exactly as long (a subscription renews them per event). */
const perRequest = new WeakMap<CustomerLoaders, SegmentLoaders>();

export function segmentLoaders(customerLoaders: CustomerLoaders, repository: SegmentRepository): SegmentLoaders {
  let loaders = perRequest.get(customerLoaders);
  if (!loaders) {
    loaders = {
      segment: new DataLoader(async (ids) => {
        const rows = await repository.byIds(ids);
        return ids.map((id) => rows.get(id) ?? null);
      }),
      ofCustomer: new DataLoader(async (ids) => {
        const rows = await repository.ofCustomers(ids);
        return ids.map((id) => rows.filter((r) => r.customerId === id));
      }),
    };
    perRequest.set(customerLoaders, loaders);
  }
  return loaders;
}
