import type { Database } from '../infra/neo4j/database';
import type { DataMigration } from '../infra/neo4j/migrations';
import { rejectedRecordVersion, type RawSourceRecord } from './record-normalizer';
import { recordKey } from '../kernel/identifier-type';
import type { Lineage } from '../identity/profile-attributes';
import { decodeCandidates, encodeCandidates } from '../identity/stored-candidates';

const BATCH = 500;
/** Where the first pass parks a record's key; no real key starts so, and the node's element id makes it unique. */
const PARKED = 'MIGRATING:';

type RecordRow = { id: string; key: string; source: string; externalId: string };
type Move = { id: string; from: string; to: string };

/**
 * Record keys were `RECORD:<source>:<externalId>` with the parts as they came, so source `s` with id `eu:42` and
 * source `s:eu` with id `42` were one key; now each part is escaped (recordKey). This rewrites the keys already
 * stored and everything that names a record by key: its idempotency entries, the causes of links, consents, merges
 * and conflicts, the lineage of golden values, and the messageId of dead letters. Suppressions hash keys and cannot be
 * rewritten: they are marked, and the suppression filter also matches a record's old key against the marked ones.
 *
 * Two passes, so no rewrite can take a key another record still has (an escaped key may equal another record's
 * unescaped one, `%3A` literally in an id): first every changed record and its references move to a parked key of
 * their own, then from there to the escaped key. A crash leaves records either unescaped or parked; running again
 * finishes both. Records that already shared a key before (the defect this fixes) cannot be told apart any more:
 * they stay one record.
 */
export const recordKeysMigration: DataMigration = {
  name: 'escaped-record-keys',
  async run(db, registry) {
    const q = registry.bind({
      markSuppressions: 'migrations/record-keys/mark-legacy-suppressions',
      legacyRecords: 'migrations/record-keys/legacy-records',
      parkedRecords: 'migrations/record-keys/parked-records',
      moveRecordKeys: 'migrations/record-keys/move-record-keys',
      moveIngestions: 'migrations/record-keys/move-ingestions',
      profileLineage: 'migrations/record-keys/profile-lineage',
      setProfileLineage: 'migrations/record-keys/set-profile-lineage',
      deadLetters: 'migrations/record-keys/record-dead-letters',
      setDeadLetters: 'migrations/record-keys/set-dead-letter-message-ids',
    });

    for (;;) {
      const [{ marked }] = await db.write((tx) => tx.rows<{ marked: number }>(q.markSuppressions, { batch: BATCH }));
      if (marked < BATCH) break;
    }

    const move = async (query: string, params: Record<string, unknown>, target: (row: RecordRow) => string) => {
      for (;;) {
        const rows = await db.read<RecordRow>(query, { ...params, batch: BATCH });
        const moves = rows.map((row): Move => ({ id: row.id, from: row.key, to: target(row) }));
        if (moves.length > 0) {
          await db.write(async (tx) => {
          await tx.rows(q.moveRecordKeys, { moves });
          await tx.rows(q.moveIngestions, { moves });
          const byFrom = new Map(moves.map((m) => [m.from, m.to]));
          const profiles = await tx.rows<{ id: string; candidates: string | null; lineage: string | null }>(q.profileLineage, { ids: moves.map((m) => m.id) });
          await tx.rows(q.setProfileLineage, { profiles: profiles.map((p) => ({ id: p.id, ...rewriteLineage(p, byFrom) })) });
          });
        }
        if (rows.length < BATCH) return;
      }
    };
    await move(q.legacyRecords, {}, (row) => `${PARKED}${row.id}`);
    await move(q.parkedRecords, { prefix: PARKED }, (row) => recordKey(row.source, row.externalId));

    await recomputeDeadLetterIds(db, q.deadLetters, q.setDeadLetters);
  },
};

/** The record keys in a profile's candidates and lineage (JSON), as `byFrom` maps them. */
function rewriteLineage(profile: { candidates: string | null; lineage: string | null }, byFrom: Map<string, string>) {
  const moved = <T extends { ref: string }>(entry: T): T => ({ ...entry, ref: byFrom.get(entry.ref) ?? entry.ref });
  const candidates = profile.candidates
    ? encodeCandidates(
        Object.fromEntries(Object.entries(decodeCandidates(profile.candidates)).map(([attribute, list]) => [attribute, list.map(moved)])),
      )
    : profile.candidates;
  const lineage = profile.lineage ? JSON.stringify((JSON.parse(profile.lineage) as Lineage[]).map(moved)) : profile.lineage;
  return { candidates, lineage };
}

/** A rejected record's messageId is its version key, made again from its payload; the letter keeps its id. */
async function recomputeDeadLetterIds(db: Database, page: string, set: string): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await db.read<{ id: string; sortKey: string; messageId: string | null; payload: string }>(page, { after, batch: BATCH });
    const letters = rows.flatMap((row) => {
      let messageId: string | null;
      try {
        messageId = rejectedRecordVersion(JSON.parse(row.payload) as RawSourceRecord);
      } catch {
        return [];
      }
      return messageId === row.messageId ? [] : [{ id: row.id, messageId }];
    });
    if (letters.length > 0) await db.write((tx) => tx.rows(set, { letters }));
    if (rows.length < BATCH) return;
    after = rows[rows.length - 1].sortKey;
  }
}
