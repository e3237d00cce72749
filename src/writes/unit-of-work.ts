import type { Database, Tx } from '../infra/neo4j/database';
import type { Consequence } from './consequence';
import { EffectsRecorder, type Effects } from './effects';

/** A write: the domain's work in the transaction, reporting what it changed. */
export type Work<T> = (tx: Tx, effects: Effects) => Promise<T>;

/**
 * The one way a write that changes customers or memberships runs: the domain's work and every registered
 * consequence in one transaction, then, once it committed, what each consequence does after commit (publishing).
 * A transaction the database retries starts over with empty effects; one rolled back publishes nothing.
 */
export class UnitOfWork {
  private consequences: readonly Consequence<unknown>[] = [];

  constructor(private readonly db: Database) {}

  /** Adds a consequence to every write from now on; returns its removal. */
  register<Note>(consequence: Consequence<Note>): () => void {
    const added = consequence as Consequence<unknown>;
    const derive = (c: Consequence<unknown>) => c.stage === 'derive';
    // Kept in running order: derivers before readers, each in registration order.
    const all = [...this.consequences, added];
    this.consequences = [...all.filter(derive), ...all.filter((c) => !derive(c))];
    return () => {
      this.consequences = this.consequences.filter((c) => c !== added);
    };
  }

  async run<T>(work: Work<T>): Promise<T> {
    const consequences = this.consequences;
    const { result, effects, notes } = await this.db.write(async (tx) => {
      const effects = new EffectsRecorder();
      const result = await work(tx, effects);
      const notes: unknown[] = [];
      for (const consequence of consequences) {
        if (consequence.stage !== 'derive') effects.seal(consequence.name);
        notes.push(await consequence.inTransaction?.(tx, effects));
      }
      return { result, effects, notes };
    });
    // Only after commit: a listener must never hear of a change that was rolled back.
    for (const [i, consequence] of consequences.entries()) await consequence.afterCommit?.(effects, notes[i]);
    return result;
  }
}
