import { registerEnumType } from 'type-graphql';

/** What ingestion takes in: events and source records. */
export type IngestedKind = 'EVENT' | 'RECORD';

/** What brought data in: an event, a source record, a steward's decision, or one imported from an offline process. */
export type CauseKind = IngestedKind | 'DECISION' | 'OFFLINE';

export enum CauseKindEnum {
  EVENT = 'EVENT',
  RECORD = 'RECORD',
  DECISION = 'DECISION',
  OFFLINE = 'OFFLINE',
}
registerEnumType(CauseKindEnum, {
  name: 'CauseKind',
  description:
    'What brought data in: an event, a source record, a steward decision, or a decision imported from an offline process (importMatchDecisions); for the last two `cause` is the decision id.',
});
