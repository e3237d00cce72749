import type { IngestedKind } from '../kernel/cause-kind';

export type DeadLetterStatus = 'OPEN' | 'RESOLVED';

export type DeadLetter = {
  id: string;
  kind: IngestedKind;
  messageId: string | null;
  source: string | null;
  code: string;
  message: string;
  payload: string;
  status: DeadLetterStatus;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
  resolvedCustomerId: string | null;
  sortKey: string;
};

export type NewDeadLetter = Pick<DeadLetter, 'id' | 'kind' | 'messageId' | 'source' | 'code' | 'message' | 'payload'>;
