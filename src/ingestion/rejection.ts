/** Why an event or record was refused; stable codes, kept with the payload in the dead-letter store. */
export type RejectionCode =
  | 'MISSING_MESSAGE_ID'
  | 'INVALID_TYPE'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_IDENTIFIER_TYPE'
  | 'NO_IDENTIFIERS'
  /** Not in CONSENT_PURPOSES: the whole item waits in the dead-letter queue, to be resubmitted once it is configured. */
  | 'UNKNOWN_CONSENT_PURPOSE';

export type Rejection = { code: RejectionCode; message: string };

export class RejectedInput extends Error {
  constructor(
    readonly code: RejectionCode,
    message: string,
  ) {
    super(message);
  }
}

export const reject = (code: RejectionCode, message: string): never => {
  throw new RejectedInput(code, message);
};
