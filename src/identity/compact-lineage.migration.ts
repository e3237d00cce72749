import type { DataMigration } from '../infra/neo4j/migrations';
import { goldenSources } from './golden-record';
import type { Lineage } from './profile-attributes';

const BATCH = 1000;

/**
 * Profiles stored their lineage in full: for each golden value its source, time and reference, which repeat the
 * winning candidate's. Rewritten on every profile change, that copy was about a third of what an identify wrote to
 * Neo4j. Now only the source of each golden value is stored (goldenSources) and the rest is read from the
 * candidates; this rewrites the profiles stored before.
 */
export const compactLineageMigration: DataMigration = {
  name: 'compact-lineage',
  async run(db, registry) {
    const q = registry.bind({
      legacy: 'migrations/compact-lineage/legacy-lineage',
      set: 'migrations/compact-lineage/set-golden-sources',
    });
    let after = '';
    for (;;) {
      const rows = await db.read<{ id: string; lineage: string }>(q.legacy, { after, batch: BATCH });
      if (rows.length === 0) return;
      const profiles = rows.map(({ id, lineage }) => ({ id, sources: JSON.stringify(goldenSources(JSON.parse(lineage) as Lineage[])) }));
      await db.write((tx) => tx.rows(q.set, { profiles }));
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1].id;
    }
  },
};
