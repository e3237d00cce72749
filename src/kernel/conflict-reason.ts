import { registerEnumType } from 'type-graphql';

export enum ConflictReasonEnum {
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  MERGE_BLOCKED = 'MERGE_BLOCKED',
  SHARED_DEVICE = 'SHARED_DEVICE',
  KEPT_APART = 'KEPT_APART',
}
export type ConflictReason = `${ConflictReasonEnum}`;
registerEnumType(ConflictReasonEnum, {
  name: 'ConflictReason',
  valuesConfig: {
    LIMIT_EXCEEDED: { description: 'Linking the identifier would give the customer more values of its type than allowed.' },
    MERGE_BLOCKED: { description: 'The identifier belongs to another customer, and merging the two would break a limit.' },
    KEPT_APART: {
      description:
        'A steward decided the two customers are different people (a KEEP_APART review decision or an unmerge): nothing joins them from then on. The decision itself shows as one conflict, listed by both customers, of identifier type PROFILE naming the second.',
    },
    SHARED_DEVICE: {
      description:
        'The device id was seen with a second known person (one holding an identifier of a person type: USER_ID, CRM_ID, EMAIL, PHONE, or a configured type with person true): the device is shared, stays recorded as usage (`devices { customersUsing sharedSince }`) and links no one from then on.',
    },
  },
});
