import { v7 as uuidv7 } from 'uuid';
import type { Reader } from '../../infra/neo4j/database';
import { AppError, NotFoundError } from '../../shared/errors';
import type { ChangeScope } from './change-scope';
import type { RuleSetsRepository } from './rule-sets.repository';

/** How far a walk over every component has come. */
export type WalkProgress = {
  /**
   * Customers created after the walk started are left out (set by its first page): an activation's rules resolved
   * them already, and a shadow evaluation compares the data as it was proposed.
   */
  upTo?: string;
  totalCustomers: number;
  customersVisited: number;
  components: number;
  componentsChanged: number;
  /** Components left alone: part of their evidence predates the log, or they are too large to replay at once. */
  componentsSkipped: number;
};

export const emptyWalk = (): WalkProgress => ({ totalCustomers: 0, customersVisited: 0, components: 0, componentsChanged: 0, componentsSkipped: 0 });

/** Errors that leave one component alone rather than stop the walk: its evidence cannot be replayed exactly. */
const skippable = (error: unknown) =>
  (error instanceof AppError && ['UNLOGGED_ITEMS', 'COMPONENT_TOO_LARGE'].includes(String(error.extensions.reason ?? ''))) || error instanceof NotFoundError;

/**
 * Walks over the components a rule change concerns (rules/affected-customers.cypher, a scanned page at a time):
 * shadow evaluations and re-resolutions alike. The budget is the pause after each component visited.
 */
export class ComponentWalks {
  /** Profiles each walk in progress on this instance visited: a component is visited once however many ticks the walk takes. */
  private readonly visited = new Map<string, Set<string>>();

  constructor(
    private readonly ruleSets: RuleSetsRepository,
    private readonly reader: Reader,
    private readonly settings: { pageSize: number; pauseMs: number },
  ) {}

  /**
   * Visits the components of the customers the change concerns, in id order, each component once (a customer of a
   * component visited is passed over), pausing after each. Progress is saved after each scanned page and when the
   * budget runs out (the cursor is then the last customer visited). True when work is left; false once done or
   * taken over.
   */
  async walk(
    name: string,
    scope: ChangeScope,
    from: string,
    until: number,
    progress: WalkProgress,
    visit: (customerId: string) => Promise<string[]>,
    save: (cursor: string, done: boolean) => Promise<boolean>,
  ): Promise<boolean> {
    progress.upTo ??= uuidv7();
    const visited = this.visited.get(name) ?? new Set<string>();
    this.visited.set(name, visited);
    let cursor = from;
    for (;;) {
      const { ids, last } = await this.ruleSets.affected(this.reader, cursor, this.settings.pageSize, progress.upTo, scope);
      for (const customerId of ids) {
        progress.customersVisited++;
        if (!visited.has(customerId)) {
          progress.components++;
          try {
            for (const profile of await visit(customerId)) visited.add(profile);
          } catch (error) {
            if (!skippable(error)) throw error;
            progress.componentsSkipped++;
          }
          await this.pause();
        }
        if (Date.now() >= until && customerId !== ids.at(-1)) {
          if (!(await save(customerId, false))) return this.forget(name);
          return true;
        }
      }
      const done = last === null;
      cursor = last ?? cursor;
      if (!(await save(cursor, done)) || done) return this.forget(name);
      if (Date.now() >= until) return true;
    }
  }

  private forget(walk: string): false {
    this.visited.delete(walk);
    return false;
  }

  private pause(): Promise<void> {
    return this.settings.pauseMs > 0 ? new Promise((resolve) => setTimeout(resolve, this.settings.pauseMs)) : Promise.resolve();
  }
}
