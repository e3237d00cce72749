import type { AppContext } from '../server/context';
import { toCustomer } from './customer.mapper';

/** How the supergraph fetches a Customer entity by its key: through the same batched loader as every read. */
export const customerReference = {
  async __resolveReference(reference: { id: string }, { loaders }: AppContext) {
    const profile = await loaders.profile.load(reference.id);
    return profile ? toCustomer(profile.customer, reference.id) : null;
  },
};
