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
  | 'UNKNOWN_CONSENT_PURPOSE'
  /** Nested deeper than INGEST_MAX_ITEM_DEPTH: its dead letter keeps only its top-level fields. */
  | 'PAYLOAD_TOO_DEEP'
  /** Larger than INGEST_MAX_ITEM_BYTES as JSON: its dead letter keeps only its top-level fields. */
  | 'PAYLOAD_TOO_LARGE'
  /** A string or key holds a NUL character or a lone surrogate, which cannot be stored and compared faithfully. */
  | 'INVALID_TEXT';

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
