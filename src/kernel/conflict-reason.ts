import { registerEnumType } from 'type-graphql';

export enum ConflictReasonEnum {
  LIMIT_EXCEEDED = 'LIMIT_EXCEEDED',
  MERGE_BLOCKED = 'MERGE_BLOCKED',
}
registerEnumType(ConflictReasonEnum, {
  name: 'ConflictReason',
  valuesConfig: {
    LIMIT_EXCEEDED: { description: 'Linking the identifier would give the customer more values of its type than allowed.' },
    MERGE_BLOCKED: { description: 'The identifier belongs to another customer, and merging the two would break a limit.' },
  },
});
