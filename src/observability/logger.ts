import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Keys whose values are personal data or secrets, wherever they sit in a logged object (up to three levels deep):
 * profile attributes, identifier values, whole event traits and record attributes, segment definitions, GraphQL
 * variables, tokens, IP addresses.
 */
const SENSITIVE_KEYS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'birthday',
  'address',
  'value',
  'values',
  'viaValue',
  'identifierValue',
  // Ids hold whatever a sender put in them (an email as an externalId or messageId).
  'externalId',
  'messageId',
  'viaRecordKey',
  'identifiers',
  'traits',
  'attributes',
  'payload',
  'definition', // a segment's rule tree compares attributes with literal values
  'variables',
  'authorization',
  'cookie',
  'token',
  'ip',
];
export const REDACTED_PATHS = SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]).concat([
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
]);

const QUOTED = /'[^']*'|"[^"]*"/g;
const EMAIL = /[^\s'"`()<>]+@[^\s'"`()<>]+/g;
const LONG_NUMBER = /\+?\d[\d ().-]{5,}\d/g;
/** The date of an instant (`2026-12-07T13:02:37Z`): our own messages name when things happened, and no one's data is a log time. */
const DATE_OF_INSTANT = /^\d{4}-\d{2}-\d{2}$/;

/** Error messages may quote the offending value (Neo4j's constraint and type errors do): quoted text, addresses and numbers go. */
export const scrubMessage = (message: string) =>
  message
    .replace(QUOTED, '[redacted]')
    .replace(EMAIL, '[redacted]')
    .replace(LONG_NUMBER, (found, at: number, whole: string) =>
      DATE_OF_INSTANT.test(found) && /^T\d{2}:\d{2}/.test(whole.slice(at + found.length)) ? found : '[redacted]',
    );

type SerializedError = { type: string; code?: unknown; message: string; stack: string; cause?: SerializedError };

/** Type, code, scrubbed message and the stack's frames; never the error's other properties, which may hold values. */
export function safeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? scrubMessage(error) : error;
  const type = error.constructor?.name ?? 'Error';
  const message = scrubMessage(error.message);
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const code = (error as { code?: unknown }).code;
  const serialized: SerializedError = { type, message, stack: [`${type}: ${message}`, ...frames].join('\n') };
  if (code !== undefined) serialized.code = code;
  if (error.cause !== undefined && depth < 3) serialized.cause = safeError(error.cause, depth + 1) as SerializedError;
  return serialized;
}

/** Structured logs that carry no personal data: sensitive keys are redacted and errors are scrubbed. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: (error: unknown) => safeError(error) },
  };
  return destination ? pino(options, destination) : pino(options);
}
