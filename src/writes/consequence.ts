import type { Tx } from '../infra/neo4j/database';
import type { Effects, ReportedEffects } from './effects';

/**
 * What follows from every write, registered once by the module that owns it. `inTransaction` runs in the write's
 * transaction after the domain's work, so what it records commits or rolls back with the write; what it returns is
 * handed to its `afterCommit`, which runs only once the transaction committed (never for one rolled back).
 */
export type Consequence<Note = void> = {
  readonly name: string;
  /**
   * 'derive': adds effects from those reported (segment re-evaluation turns touches into membership changes).
   * Derivers run first, in registration order; then the rest ('record', the default), which only read.
   */
  readonly stage?: 'derive' | 'record';
  inTransaction?(tx: Tx, effects: Effects & ReportedEffects): Promise<Note>;
  afterCommit?(effects: ReportedEffects, note: Note): Promise<void> | void;
};
