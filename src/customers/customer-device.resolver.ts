import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Aggregated } from '../kernel/classification';
import type { LoadersContext } from './customer.loaders';
import { CustomerDevice } from './customer.type';

@Resolver(() => CustomerDevice)
export class CustomerDeviceResolver {
  @Aggregated()
  @FieldResolver(() => Int, { description: 'How many customers use this device; above 1 it is shared.' })
  async customersUsing(@Root() device: CustomerDevice, @Ctx() { loaders }: LoadersContext): Promise<number> {
    return loaders.deviceUsage.load(device.id);
  }
}
