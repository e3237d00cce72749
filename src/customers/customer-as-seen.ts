import type { PrincipalContext } from '../auth/principal';
import { admit } from '../policy/purpose-policy';
import type { LoadersContext } from './customer.loaders';
import { toCustomer } from './customer.mapper';
import type { Customer } from './customer.type';

/**
 * One customer by id (an absorbed id reads its survivor) as the reader may see it, through the request's batched
 * loader: null when there is none, or when a purpose-bound reader's purpose is refused.
 */
export async function customerAsSeen({ loaders, principal }: PrincipalContext & LoadersContext, id: string): Promise<Customer | null> {
  const profile = await loaders.profile.load(id);
  if (!profile) return null;
  return admit(principal, profile, toCustomer(profile.customer, id));
}
