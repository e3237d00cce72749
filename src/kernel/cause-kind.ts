import { registerEnumType } from 'type-graphql';

/** What brought data in: an event or a source record. */
export type CauseKind = 'EVENT' | 'RECORD';

export enum CauseKindEnum {
  EVENT = 'EVENT',
  RECORD = 'RECORD',
}
registerEnumType(CauseKindEnum, { name: 'CauseKind', description: 'What brought data in: an event or a source record.' });
