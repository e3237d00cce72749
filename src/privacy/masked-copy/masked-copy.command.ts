import 'reflect-metadata';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { IdentifierNormalizer } from '../../identity/identifier-normalizer';
import { CypherRegistry } from '../../infra/neo4j/cypher-registry';
import { UsageError } from '../../infra/services/process-lifecycle';
import { runCommand } from '../../infra/services/run-command';
import { writeMaskedCopy } from './copy-writer';
import { Masker } from './masker';

/** `npm run data:masked-copy -- --out copy.jsonl [--key <32+ chars>]`: a masked copy of the graph for test environments. */
runCommand({
  needs: 'database',
  async run(command) {
    const { values } = parseArgs({ options: { out: { type: 'string' }, key: { type: 'string' } } });
    const config = loadConfig();
    const key = values.key ?? config.privacy.maskedCopyKey;
    const file = values.out;
    if (!file) throw new UsageError('--out <file> is required');
    if (!key || key.length < 32) throw new UsageError('a masking key of 32+ characters is required: --key or MASKED_COPY_KEY (keep it secret; the same key gives the same pseudonyms)');
    const { logger } = command.configure(config);
    const db = await command.database();
    const out = createWriteStream(file, { mode: 0o600 });
    const counts = await writeMaskedCopy(db, config.neo4j.database, new CypherRegistry(), new Masker(key, new IdentifierNormalizer(config.identity)), out);
    out.end();
    await finished(out);
    logger.info({ ...counts, file }, 'masked copy written');
  },
});
