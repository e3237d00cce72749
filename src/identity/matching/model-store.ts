import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database } from '../../infra/neo4j/database';
import { decodeEvidence } from '../evidence';
import type { MatchModel } from './match-model';
import { isEmptyRecord, matchRecordOf, type MatchRecord } from './match-record';

export type StoredModel = { version: number; model: MatchModel };

const PAGE = 5_000;

/** Match models as versioned documents in the graph, and the records they are trained on (the evidence log). */
export class MatchModelStore {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    /** Told of each save: this process's cached model is then stale. */
    private readonly saved: () => void = () => {},
  ) {
    this.q = registry.bind({
      save: 'matching/save-model',
      latest: 'matching/latest-model',
      byVersion: 'matching/models-by-version',
      evidence: 'matching/training-evidence',
    });
  }

  async save(model: MatchModel): Promise<number> {
    const [{ version }] = await this.db.write((tx) => tx.rows<{ version: number }>(this.q.save, { document: JSON.stringify(model), trainedAt: model.trainedAt }));
    this.saved();
    return version;
  }

  async latest(): Promise<StoredModel | null> {
    const [row] = await this.db.read<{ version: number; document: string }>(this.q.latest);
    return row ? { version: row.version, model: JSON.parse(row.document) as MatchModel } : null;
  }

  /** The models of these versions (those that exist). */
  async byVersions(versions: number[]): Promise<Map<number, MatchModel>> {
    if (versions.length === 0) return new Map();
    const rows = await this.db.read<{ version: number; document: string }>(this.q.byVersion, { versions });
    return new Map(rows.map((row) => [row.version, JSON.parse(row.document) as MatchModel]));
  }

  /** One record per logged item that observed personal attributes, from `source` only when given. */
  async trainingRecords(source: string | null, onPage?: (read: number) => void): Promise<MatchRecord[]> {
    const records: MatchRecord[] = [];
    let after = '';
    let read = 0;
    for (;;) {
      const rows = await this.db.read<{ key: string; evidence: string }>(this.q.evidence, { after, limit: PAGE });
      for (const row of rows) {
        const { item } = decodeEvidence(row.evidence);
        if (source !== null && item.source !== source) continue;
        const record = matchRecordOf(item.observations, item.identifiers);
        if (!isEmptyRecord(record)) records.push(record);
      }
      read += rows.length;
      onPage?.(read);
      if (rows.length < PAGE) return records;
      after = rows[rows.length - 1].key;
    }
  }
}
