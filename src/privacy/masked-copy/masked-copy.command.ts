import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { IdentifierNormalizer } from '../../identity/identifier-normalizer';
import { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import { Database } from '../../infra/neo4j/database';
import { provideNeo4j } from '../../infra/services/neo4j-service';
import { createLogger } from '../../observability/logger';
import { writeMaskedCopy } from './copy-writer';
import { Masker } from './masker';

/** `npm run data:masked-copy -- --out copy.jsonl [--key <32+ chars>]`: a masked copy of the graph for test environments. */
async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' }, key: { type: 'string' } } });
  const config = loadConfig();
  const key = values.key ?? config.privacy.maskedCopyKey;
  if (!values.out) throw new Error('--out <file> is required');
  if (!key || key.length < 32) throw new Error('a masking key of 32+ characters is required: --key or MASKED_COPY_KEY (keep it secret; the same key gives the same pseudonyms)');
  const logger = createLogger(config.logLevel);
  const neo4j = await provideNeo4j(config.neo4j, (message) => logger.info(message));
  const db = Database.connect(neo4j.uri, neo4j.user, neo4j.password, config.neo4j.database);
  try {
    await db.waitUntilReachable();
    const out = createWriteStream(values.out, { mode: 0o600 });
    const counts = await writeMaskedCopy(db, config.neo4j.database, new CypherRegistry(), new Masker(key, new IdentifierNormalizer(config.identity)), out);
    out.end();
    await finished(out);
    logger.info({ ...counts, file: values.out }, 'masked copy written');
  } finally {
    await db.close();
    await neo4j.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
