import type { DataMigration } from '../infra/neo4j/migrations';

/**
 * Marks when the evidence log started: items applied before it left no evidence, so a rebuild of a profile that
 * holds any of them says it is not exact (unloggedItems) instead of silently leaving them out.
 */
export const evidenceLogMigration: DataMigration = {
  name: 'evidence-log',
  async run(db, registry) {
    await db.write((tx) => tx.rows(registry.get('migrations/evidence-log/start')));
  },
};
