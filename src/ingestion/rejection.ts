/** Why an event or record was refused; stable codes, kept with the payload in the dead-letter store. */
export type RejectionCode =
  | 'MISSING_MESSAGE_ID'
  | 'INVALID_TYPE'
  | 'MISSING_FIELD'
  | 'INVALID_FIELD'
  | 'INVALID_TIMESTAMP'
  | 'INVALID_IDENTIFIER_TYPE'
  | 'NO_IDENTIFIERS';

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
