export type ErasureStatus = 'RECEIVED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

/** What an erasure removed, by kind; numbers only, never a value. */
export const ERASURE_COUNTERS = [
  'customers',
  'identifiers',
  'devices',
  'deviceLinks',
  'sourceRecords',
  'consents',
  'merges',
  'conflicts',
  'conflictsRedacted',
  'ingestions',
  'deadLetters',
  'segmentMemberships',
  'behaviour',
  'cacheKeys',
  'suppressions',
] as const;
export type ErasureCounter = (typeof ERASURE_COUNTERS)[number];
export type ErasureCounts = Record<ErasureCounter, number>;

/** The only record an erasure keeps: ids, times, counts and the operator's reason; no value of the person. */
export type ErasureRequestRow = {
  id: string;
  customerId: string;
  survivorId: string;
  profileIds: string[];
  reason: string;
  status: ErasureStatus;
  requestedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  attempts: number;
  error: string | null;
  counts: ErasureCounts;
};

export function toErasureRequest(node: Record<string, unknown>): ErasureRequestRow {
  const counts = Object.fromEntries(ERASURE_COUNTERS.map((c) => [c, (node[c] as number | null) ?? 0])) as ErasureCounts;
  return {
    id: node.id as string,
    customerId: node.customerId as string,
    survivorId: node.survivorId as string,
    profileIds: (node.profileIds as string[]) ?? [],
    reason: node.reason as string,
    status: node.status as ErasureStatus,
    requestedAt: node.requestedAt as Date,
    startedAt: (node.startedAt as Date | null) ?? null,
    completedAt: (node.completedAt as Date | null) ?? null,
    attempts: (node.attempts as number | null) ?? 0,
    error: (node.error as string | null) ?? null,
    counts,
  };
}
