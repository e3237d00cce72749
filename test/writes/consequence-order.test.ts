import type { Database, Tx } from '../../src/infra/neo4j/database';
import { UnitOfWork } from '../../src/writes/unit-of-work';

/** A database whose write runs the work once, on a transaction that is never read: the order is all this checks. */
const tx: Tx = { rows: async () => [] };
const database = { write: <T>(work: (tx: Tx) => Promise<T>) => work(tx) } as Pick<Database, 'write'> as Database;

describe('consequences of a write', () => {
  it('run those that derive effects before those that only read them, whatever order they registered in', async () => {
    const writes = new UnitOfWork(database);
    const ran: string[] = [];
    writes.register({ name: 'outbox', inTransaction: async (_tx, effects) => void ran.push(`outbox saw ${effects.memberships.length}`) });
    writes.register({
      name: 're-evaluation',
      stage: 'derive',
      inTransaction: async (_tx, effects) => {
        ran.push('re-evaluation');
        effects.membershipsChanged(effects.touches.map(({ customerId }) => ({ segmentId: 's', customerId, change: 'ENTERED', at: '', sequence: 1 })));
      },
    });
    await writes.run(async (_tx, effects) => effects.touched([{ customerId: 'c', reads: 'ALL' }]));
    expect(ran).toEqual(['re-evaluation', 'outbox saw 1']);
  });

  it('refuse an effect reported after a reader began, naming it: the reader would have missed it', async () => {
    const writes = new UnitOfWork(database);
    writes.register({ name: 'outbox', inTransaction: async () => undefined });
    writes.register({ name: 'late deriver', inTransaction: async (_tx, effects) => effects.customersChanged([{ customerId: 'c', change: 'UPDATED', mergedInto: null }]) });
    await expect(writes.run(async () => undefined)).rejects.toThrow(`"late deriver" began reading them`);
  });

  it('hand each consequence what it noted in the transaction after commit, and stop with the removal', async () => {
    const writes = new UnitOfWork(database);
    const notes: string[] = [];
    const unregister = writes.register<string>({ name: 'noting', inTransaction: async () => 'noted', afterCommit: (_effects, note) => void notes.push(note) });
    await writes.run(async () => undefined);
    unregister();
    await writes.run(async () => undefined);
    expect(notes).toEqual(['noted']);
  });
});
