import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from './customer.loaders';
import { customerAsSeen } from './customer-as-seen';

/** How the supergraph fetches a Customer entity by its key: through the same batched loader as every read. */
export const customerReference = {
  __resolveReference(reference: { id: string }, context: PrincipalContext & LoadersContext) {
    return customerAsSeen(context, reference.id);
  },
};
