/**
 * Waits for statements sent one after another without waiting for each answer (the driver pipelines them in the
 * transaction; Neo4j runs them in the order sent). Once one fails the transaction is lost and those after it fail
 * too: the first failure in the order sent is the cause (a unique key a concurrent batch took, say), so it is thrown.
 */
export async function sentTogether(sent: readonly Promise<unknown>[]): Promise<void> {
  for (const outcome of await Promise.allSettled(sent)) {
    if (outcome.status === 'rejected') throw outcome.reason;
  }
}
