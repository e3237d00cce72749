import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Aggregated, Pseudonymous } from '../kernel/classification';
import type { LoadersContext } from './customer.loaders';
import { CustomerDevice } from './customer.type';

@Resolver(() => CustomerDevice)
export class CustomerDeviceResolver {
  @Aggregated()
  @FieldResolver(() => Int, { description: 'How many customers used this device (merged profiles count once), shared or not.' })
  async customersUsing(@Root() device: CustomerDevice, @Ctx() { loaders }: LoadersContext): Promise<number> {
    return (await loaders.deviceUsage.load(device.id)).customersUsing;
  }

  @Pseudonymous()
  @FieldResolver(() => Date, {
    nullable: true,
    description:
      'When the device was seen with a second known person (SHARED_DEVICE conflict): since then its id links no one and is kept as usage only. Null while it links its one known person.',
  })
  async sharedSince(@Root() device: CustomerDevice, @Ctx() { loaders }: LoadersContext): Promise<Date | null> {
    return (await loaders.deviceUsage.load(device.id)).sharedAt;
  }
}
