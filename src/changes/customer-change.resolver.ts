import { Arg, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import { customerAsSeen } from '../customers/customer-as-seen';
import { admittedId } from '../policy/purpose-policy';
import { Customer } from '../customers/customer.type';
import type { PrincipalContext } from '../auth/principal';
import type { LoadersContext } from '../customers/customer.loaders';
import type { CustomerChange } from './customer-change';
import { CustomerChangeEvent } from './customer-change.type';

@Resolver(() => CustomerChangeEvent)
export class CustomerChangeResolver {
  @Pseudonymous()
  @Subscription(() => CustomerChangeEvent, {
    description: 'Changes to one customer (the id asked for): created, updated, or merged into another.',
    topics: 'CUSTOMER_CHANGED',
    topicId: ({ args }) => (args as { id: string }).id,
    // Each event starts with fresh loaders (the filter runs before the event is executed). A token bound to a purpose
    // hears only of a customer who consents to it now: not even that someone else changed.
    filter: async ({ payload, context }) => {
      const app = context as PrincipalContext & LoadersContext;
      app.renewLoaders();
      return (await admittedId(app, (payload as CustomerChange).customerId)) !== null;
    },
  })
  customerChanged(@Arg('id', () => ID) _id: string, @Root() change: CustomerChange): CustomerChangeEvent {
    return { ...change, at: new Date(change.at) } as CustomerChangeEvent;
  }

  @Pseudonymous()
  @FieldResolver(() => Customer, { nullable: true, description: 'The profile as it is now (the survivor after a merge).' })
  customer(@Root() change: CustomerChangeEvent, @Ctx() context: PrincipalContext & LoadersContext): Promise<Customer | null> {
    return customerAsSeen(context, change.customerId);
  }
}
