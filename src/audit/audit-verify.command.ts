import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { exitWithFailure, UsageError, withDatabase } from '../infra/services/process-lifecycle';
import { createLogger } from '../observability/logger';
import { AuditRepository } from './audit.repository';
import { describeVerdict, verifyChain } from './chain-verifier';

const positive = (raw: string | undefined, name: string) => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--${name} must be a positive integer`);
  return value;
};

/**
 * `npm run audit:verify [-- --from 1 --to 5000 --chain main]`: walks the audit chain in the configured (or
 * embedded) Neo4j and prints OK with the count, or the first broken entry; exits 1 when the chain is broken.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, chain: { type: 'string', default: 'main' } } });
  const fromSeq = positive(values.from, 'from');
  const toSeq = positive(values.to, 'to');
  const config = loadConfig({ AUTH_DEV_MODE: 'true', ...process.env });
  const logger = createLogger(config.logLevel);
  return withDatabase(config, logger, async (db) => {
    const verdict = await verifyChain(new AuditRepository(db, new CypherRegistry()), { chain: values.chain, fromSeq, toSeq });
    console.log(describeVerdict(verdict));
    return verdict.ok ? 0 : 1;
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => exitWithFailure(error, 2),
);
