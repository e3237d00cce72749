import { BadUserInputError } from './errors';

/** Longest reason a recorded action keeps. */
export const MAX_REASON = 2_000;

/** The reason a recorded action (a steward's decision, a rule change) is kept with: trimmed, required, bounded. */
export function statedReason(text: string, argument: string): string {
  const reason = text.trim();
  if (reason.length === 0) throw new BadUserInputError(`${argument} is required: say why (a ticket reference, not personal data)`, { argument });
  if (reason.length > MAX_REASON) throw new BadUserInputError(`${argument} is longer than ${MAX_REASON} characters`, { argument, limit: MAX_REASON });
  return reason;
}
