import neo4j from 'neo4j-driver';
import type { Writable } from 'node:stream';
import type { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import type { Database } from '../../infra/neo4j/database';
import { encodeProperties, type CopyLine } from './copy-format';
import type { Masker } from './masker';

export type CopyCounts = { nodes: number; relationships: number };

const write = (out: Writable, line: CopyLine) =>
  new Promise<void>((resolve, reject) => {
    if (out.write(`${JSON.stringify(line)}\n`)) return resolve();
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    out.once('drain', onDrain).once('error', onError);
  });

/**
 * Streams the whole graph, masked, as JSON lines: nodes first, then relationships by node ref. One read
 * transaction, records pulled as they are written, so memory stays flat whatever the size of the graph.
 */
export async function writeMaskedCopy(db: Database, database: string, registry: CypherRegistry, masker: Masker, out: Writable): Promise<CopyCounts> {
  const counts: CopyCounts = { nodes: 0, relationships: 0 };
  const session = db.driver.session({ database, defaultAccessMode: neo4j.session.READ });
  try {
    await session.executeRead(async (tx) => {
      for await (const record of tx.run(registry.get('privacy/copy-read-nodes'))) {
        const node = { kind: 'node' as const, ref: record.get('ref') as string, labels: record.get('labels') as string[], properties: encodeProperties(record.get('properties')) };
        await write(out, masker.node(node));
        counts.nodes++;
      }
      for await (const record of tx.run(registry.get('privacy/copy-read-relationships'))) {
        const relationship = {
          kind: 'relationship' as const,
          type: record.get('type') as string,
          from: record.get('from') as string,
          to: record.get('to') as string,
          properties: encodeProperties(record.get('properties')),
        };
        await write(out, masker.relationship(relationship));
        counts.relationships++;
      }
    });
  } finally {
    await session.close();
  }
  return counts;
}
