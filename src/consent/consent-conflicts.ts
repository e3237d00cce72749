type Statement = { purpose: string; status: string; profileId: string };

export type ConflictOf<S> = { purpose: string; current: S; statements: S[] };

/**
 * Purposes on which the profiles merged into one customer disagree. `history` is ordered as the profile reads
 * order it (per purpose, the statement in force first), so the first statement of each profile is its own.
 */
export function consentConflicts<S extends Statement>(history: S[]): ConflictOf<S>[] {
  const byPurpose = new Map<string, Map<string, S>>();
  for (const statement of history) {
    const perProfile = byPurpose.get(statement.purpose) ?? new Map<string, S>();
    if (!perProfile.has(statement.profileId)) perProfile.set(statement.profileId, statement);
    byPurpose.set(statement.purpose, perProfile);
  }
  return [...byPurpose].flatMap(([purpose, perProfile]) => {
    const statements = [...perProfile.values()];
    const disagree = new Set(statements.map((s) => s.status)).size > 1;
    return disagree ? [{ purpose, current: statements[0], statements }] : [];
  });
}
