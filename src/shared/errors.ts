import { GraphQLError } from 'graphql';

/** Stable `extensions.code` values; clients branch on these, so they never change meaning. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'SERVICE_UNAVAILABLE'
  /** A change-feed cursor older than what the feed retains (or from a feed that was reset): resync, then follow live. */
  | 'CURSOR_EXPIRED'
  /** A WebSocket connection already holds WS_MAX_SUBSCRIPTIONS_PER_CONNECTION subscriptions. */
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'INTERNAL';

export class AppError extends GraphQLError {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message, { extensions: { code, ...details } });
  }
}

export class BadUserInputError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('BAD_USER_INPUT', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', message, details);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('FORBIDDEN', message, details);
  }
}

/** The request contradicts the state it would change (decided already, refused by a rule): retrying it as is fails again. */
export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details);
  }
}
