import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { CustomerRepository } from '../../customers/customer.repository';
import { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import { Database } from '../../infra/neo4j/database';
import { DATA_MIGRATIONS } from '../../data-migrations';
import { migrate } from '../../infra/neo4j/migrations';
import { provideNeo4j } from '../../infra/services/neo4j-service';
import { createLogger } from '../../observability/logger';
import type { CopyLine } from './copy-format';
import { loadCopy } from './copy-loader';

async function* copyLines(file: string): AsyncIterable<CopyLine> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim()) yield JSON.parse(line) as CopyLine;
  }
}

/** `npm run data:load-copy -- --in copy.jsonl`: loads a masked copy into the configured, empty Neo4j. */
async function main() {
  const { values } = parseArgs({ options: { in: { type: 'string' } } });
  if (!values.in) throw new Error('--in <file> is required');
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  try {
    await db.waitUntilReachable();
    const registry = new CypherRegistry();
    await migrate(db, registry, DATA_MIGRATIONS);
    // Into an empty database only: ids of the copy would collide with, or silently join, existing customers.
    if (!(await new CustomerRepository(db, registry).isEmpty())) throw new Error('the target database already has customers: load a copy into an empty database');
    const counts = await loadCopy(db, registry, copyLines(values.in));
    logger.info({ ...counts, file: values.in }, 'masked copy loaded');
  } finally {
    await db.close();
    await neo4j.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
