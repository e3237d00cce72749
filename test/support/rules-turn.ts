import { randomUUID } from 'node:crypto';
import { CypherRegistry } from '../../src/infra/neo4j/cypher-registry';
import { JobLeases } from '../../src/jobs/job-lease';
import type { TestApp } from './test-app';

const TURN = 'test:match-rules-in-force';

/**
 * Tests share one database, and the match rules in force are one for all of it: a test that activates or rolls
 * back rules takes its turn (a lease in the database, across jest workers), so two such tests never undo each
 * other's version halfway.
 */
export async function inRulesTurn<T>(app: TestApp, run: () => Promise<T>): Promise<T> {
  const leases = new JobLeases(app.db, new CypherRegistry());
  const holder = randomUUID();
  const deadline = Date.now() + 240_000;
  while (!(await leases.take(TURN, holder, 300_000))) {
    if (Date.now() > deadline) throw new Error('another test kept the match rules turn for four minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    return await run();
  } finally {
    await leases.release(TURN, holder);
  }
}
