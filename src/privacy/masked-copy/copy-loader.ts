import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database } from '../../infra/neo4j/database';
import { decodeProperties, type CopyLine, type CopyNode, type CopyRelationship } from './copy-format';

export type LoadCounts = { nodes: number; relationships: number; skippedRelationships: number };

/**
 * Loads copy lines in batches of parameterised statements. Refs of the copy are mapped to the new nodes' ids in
 * memory (about a hundred bytes a node); a relationship whose end is not in the copy is skipped and counted.
 */
export async function loadCopy(db: Database, registry: CypherRegistry, lines: AsyncIterable<CopyLine> | Iterable<CopyLine>, batchSize = 1000): Promise<LoadCounts> {
  const q = registry.bind({ nodes: 'privacy/copy-load-nodes', relationships: 'privacy/copy-load-relationships' });
  const ids = new Map<string, string>();
  const counts: LoadCounts = { nodes: 0, relationships: 0, skippedRelationships: 0 };
  let nodes: CopyNode[] = [];
  let relationships: CopyRelationship[] = [];

  const flushNodes = async () => {
    if (nodes.length === 0) return;
    const batch = nodes.map((n) => ({ ref: n.ref, labels: n.labels, properties: decodeProperties(n.properties) }));
    const rows = await db.write((tx) => tx.rows<{ ref: string; id: string }>(q.nodes, { nodes: batch }));
    for (const row of rows) ids.set(row.ref, row.id);
    counts.nodes += rows.length;
    nodes = [];
  };
  const flushRelationships = async () => {
    if (relationships.length === 0) return;
    const batch = relationships.flatMap((r) => {
      const [from, to] = [ids.get(r.from), ids.get(r.to)];
      if (!from || !to) {
        counts.skippedRelationships++;
        return [];
      }
      return [{ type: r.type, from, to, properties: decodeProperties(r.properties) }];
    });
    if (batch.length > 0) {
      const [row] = await db.write((tx) => tx.rows<{ created: number }>(q.relationships, { relationships: batch }));
      counts.relationships += row.created;
    }
    relationships = [];
  };

  for await (const line of lines) {
    if (line.kind === 'node') {
      nodes.push(line);
      if (nodes.length >= batchSize) await flushNodes();
    } else {
      await flushNodes();
      relationships.push(line);
      if (relationships.length >= batchSize) await flushRelationships();
    }
  }
  await flushNodes();
  await flushRelationships();
  return counts;
}
