import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CustomerRepository } from '../../customers/customer.repository';
import { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import { DATA_MIGRATIONS } from '../../data-migrations';
import { migrate } from '../../infra/neo4j/migrations';
import { UsageError } from '../../infra/services/process-lifecycle';
import { runCommand } from '../../infra/services/run-command';
import type { CopyLine } from './copy-format';
import { loadCopy } from './copy-loader';

async function* copyLines(file: string): AsyncIterable<CopyLine> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim()) yield JSON.parse(line) as CopyLine;
  }
}

/** `npm run data:load-copy -- --in copy.jsonl`: loads a masked copy into the configured, empty Neo4j. */
runCommand({
  needs: 'database',
  async run(command) {
    const { values } = parseArgs({ options: { in: { type: 'string' } } });
    const file = values.in;
    if (!file) throw new UsageError('--in <file> is required');
    const { logger } = command.configure();
    const db = await command.database();
    const registry = new CypherRegistry();
    await migrate(db, registry, DATA_MIGRATIONS);
    // Into an empty database only: ids of the copy would collide with, or silently join, existing customers.
    if (!(await new CustomerRepository(db, registry).isEmpty())) throw new UsageError('the target database already has customers: load a copy into an empty database');
    const counts = await loadCopy(db, registry, copyLines(file));
    logger.info({ ...counts, file }, 'masked copy loaded');
  },
});
