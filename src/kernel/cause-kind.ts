import { registerEnumType } from 'type-graphql';

/** What ingestion takes in: events and source records. */
export type IngestedKind = 'EVENT' | 'RECORD';

/** What brought data in: an event, a source record, or a steward's decision. */
export type CauseKind = IngestedKind | 'DECISION';

export enum CauseKindEnum {
  EVENT = 'EVENT',
  RECORD = 'RECORD',
  DECISION = 'DECISION',
}
registerEnumType(CauseKindEnum, {
  name: 'CauseKind',
  description: 'What brought data in: an event, a source record, or a steward decision (`cause` is then the decision id).',
});
