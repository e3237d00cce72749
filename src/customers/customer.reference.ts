import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from './customer.loaders';
import { admit } from '../policy/purpose-policy';
import { toCustomer } from './customer.mapper';

/** How the supergraph fetches a Customer entity by its key: through the same batched loader as every read. */
export const customerReference = {
  async __resolveReference(reference: { id: string }, { loaders, principal }: PrincipalContext & LoadersContext) {
    const profile = await loaders.profile.load(reference.id);
    if (!profile) return null;
    return admit(principal, profile, toCustomer(profile.customer, reference.id));
  },
};
