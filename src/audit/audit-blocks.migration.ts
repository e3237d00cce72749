import type { DataMigration } from '../infra/neo4j/migrations';
import { BlockLayout, fieldsJson, readJson } from './audit-block';
import type { StoredAuditEntry } from './audit-entry';

const BATCH = 2000;

type LegacyRow = { id: string; entry: StoredAuditEntry };

/**
 * Values a block keeps in lists of strings (hash, prevHash, customer): an entry whose stored value is of another type
 * (only an edit makes one) cannot be moved as it is, and converting it could make an edited entry verify again.
 */
const storableInBlock = (entry: StoredAuditEntry) =>
  typeof entry.hash === 'string' &&
  (entry.prevHash === undefined || typeof entry.prevHash === 'string') &&
  (entry.customerId === undefined || entry.customerId === null || (typeof entry.customerId === 'string' && entry.customerId !== ''));

/**
 * Audit entries were stored one (:AuditEntry) node each, with every field; now in blocks (audit-block.ts). This moves
 * them, chain by chain in seq order, a page per transaction: each stored value exactly as it was (the JSON of a
 * block holds the values canonicalJson hashes), a new block wherever the stored chain does not continue, so the
 * verifier finds the same chain, intact or broken at the same entry, and each entry that names a customer gets its
 * lookup node. An entry that cannot be stored in a block as it is (see storableInBlock) stays where it is, and the
 * verifier reports it MISSING. A crash between pages leaves the rest for the next run; two instances running it at
 * once collide on a block's unique (chain, firstSeq), and the one that lost reads again after the one that won.
 * Every instance of the version before must be stopped first: it would keep writing nodes the new one never reads.
 */
export const auditBlocksMigration: DataMigration = {
  name: 'audit-blocks',
  async run(db, registry) {
    const q = registry.bind({
      nextChain: 'migrations/audit-blocks/next-legacy-chain',
      entries: 'migrations/audit-blocks/legacy-entries',
      createBlocks: 'migrations/audit-blocks/create-blocks',
      deleteEntries: 'migrations/audit-blocks/delete-legacy-entries',
    });
    let chain = '';
    for (;;) {
      const [next] = await db.read<{ chain: string }>(q.nextChain, { after: chain });
      if (!next) return;
      chain = next.chain;
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const rows = await db.write(async (tx) => {
          const page = await tx.rows<LegacyRow>(q.entries, { chain, after, batch: BATCH });
          const moved = page.filter((row) => storableInBlock(row.entry));
          const layout = new BlockLayout();
          for (const { entry } of moved) {
            layout.add(entry.seq, entry.prevHash, entry.hash, readJson(entry), fieldsJson(entry.fields), entry.customerId ?? null);
          }
          if (moved.length > 0) {
            await tx.rows(q.createBlocks, { chain, blocks: layout.blocks });
            await tx.rows(q.deleteEntries, { ids: moved.map((row) => row.id) });
          }
          return page;
        });
        if (rows.length < BATCH) break;
        after = rows[rows.length - 1].entry.seq;
      }
    }
  },
};
