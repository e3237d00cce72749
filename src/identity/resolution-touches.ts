import type { Touch } from '../writes/effects';
import type { ResolutionPlan } from './resolution-plan';
import type { WorkUnit } from './work-unit';

/**
 * What a resolved batch changed about each customer, in the keys of the segments' dependency index. A customer
 * created, absorbed or taking in another is touched entirely; otherwise by what its items carried.
 */
export function touchesOfResolution(units: WorkUnit[], plan: ResolutionPlan): Touch[] {
  const whole = new Set([
    ...plan.newCustomers.map((c) => c.id),
    ...plan.absorptions.flatMap((a) => [a.absorbedId, plan.finalCustomerOf(a.survivorId)]),
  ]);
  const touches: Touch[] = [...whole].map((customerId) => ({ customerId, reads: 'ALL' }));
  units.forEach((unit, i) => {
    const customerId = plan.finalCustomerOf(plan.items[i].customerId);
    if (whole.has(customerId)) return;
    const reads = new Set<string>();
    for (const attribute of Object.keys(unit.item.observations)) reads.add(`attribute:${attribute}`);
    for (const identifier of unit.item.identifiers) reads.add(`identifier:${identifier.type}`);
    for (const consent of unit.consents) reads.add(`consent:${consent.purpose}`);
    if (unit.activity) reads.add('lastSeen');
    if (unit.activity?.event) reads.add(`event:${unit.activity.event}`);
    touches.push({ customerId, reads });
  });
  // The customer that held a device found shared lost that identifier.
  for (const { customerId } of plan.sharedDevices) {
    if (!whole.has(customerId)) touches.push({ customerId, reads: new Set(['identifier:DEVICE_ID']) });
  }
  return touches;
}
