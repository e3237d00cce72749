import { Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { Aggregated } from '../kernel/classification';
import type { AppContext } from '../server/context';
import { CustomerDevice } from './customer.type';

@Resolver(() => CustomerDevice)
export class CustomerDeviceResolver {
  @Aggregated()
  @FieldResolver(() => Int, { description: 'How many customers use this device; above 1 it is shared.' })
  async customersUsing(@Root() device: CustomerDevice, @Ctx() { loaders }: AppContext): Promise<number> {
    return loaders.deviceUsage.load(device.id);
  }
}
