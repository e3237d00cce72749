import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { CypherRegistry } from '../infra/neo4j/cypher-registry';
import { closeRedis, connectRedis } from '../infra/redis/redis-client';
import { UsageError } from '../infra/services/process-lifecycle';
import { runCommand } from '../infra/services/run-command';
import { auditKeyForVerifying } from './audit-key';
import { AuditRepository } from './audit.repository';
import { AuditKeyMissingError, describeVerdict, verifyChain } from './chain-verifier';
import { checkpointStoreFor, FileCheckpointStore, readCheckpoints } from './checkpoint-store';

const USAGE = `Usage: npm run audit:verify -- [--chain main] [--from SEQ] [--to SEQ] [--checkpoints FILE]...

Verifies an audit chain in Neo4j (NEO4J_URI, else the embedded one) with the audit key (AUDIT_HMAC_KEY, else the
dev key in AUDIT_DEV_KEY_FILE), against the signed checkpoints kept outside Neo4j (with REDIS_URL its Redis
stream, else AUDIT_CHECKPOINT_FILE).

  --chain NAME          the chain to verify (default: main)
  --from SEQ, --to SEQ  verify these entries only (default: the whole chain, up to its head)
  --checkpoints FILE    check the checkpoints in FILE too: a copy of a checkpoint file, or the API's JSON logs
                        (repeatable)
  --help                print this

Exit codes: 0 intact; 1 broken; 2 could not verify (arguments, configuration, key, services);
3 nothing verified (the chain has no entries, or --from is past its head).`;

const EXIT = { INTACT: 0, BROKEN: 1, CANNOT_VERIFY: 2, NOTHING_VERIFIED: 3 } as const;

const seqOption = (raw: string | undefined, name: string) => {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^[1-9]\d*$/.test(raw) || !Number.isSafeInteger(value)) throw new UsageError(`--${name} must be a positive integer, not "${raw}"`);
  return value;
};

function parseArguments(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        chain: { type: 'string', default: 'main' },
        from: { type: 'string' },
        to: { type: 'string' },
        checkpoints: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const fromSeq = seqOption(values.from, 'from');
  const toSeq = seqOption(values.to, 'to');
  if (fromSeq !== undefined && toSeq !== undefined && fromSeq > toSeq) throw new UsageError(`--from ${fromSeq} is after --to ${toSeq}`);
  if (values.chain.trim() === '') throw new UsageError('--chain must name a chain');
  return { help: values.help, chain: values.chain, fromSeq, toSeq, checkpointFiles: values.checkpoints };
}

/**
 * `npm run audit:verify`: walks an audit chain, checks it against its checkpoints, prints the verdict (see
 * describeVerdict) and exits with its code (see USAGE). Any failure says why in its message and exits CANNOT_VERIFY.
 */
runCommand({
  needs: 'database',
  failure: { code: EXIT.CANNOT_VERIFY, report: 'message', usage: USAGE },
  async run(command) {
    const args = parseArguments(process.argv.slice(2));
    if (args.help) {
      console.log(USAGE);
      return EXIT.INTACT;
    }
    const { config, logger } = command.configure(loadConfig({ AUTH_DEV_MODE: 'true', ...process.env }));
    const { key, from: keyFrom } = auditKeyForVerifying(config.audit);
    const redis = await connectRedis(config.redis.url, logger);
    command.started({ name: 'Redis', stop: () => closeRedis(redis) });
    if (redis && redis.status !== 'ready') throw new Error('Redis (REDIS_URL) does not answer: the checkpoints kept there cannot be read');
    const copies = args.checkpointFiles.map((file) => new FileCheckpointStore(file, 'copy'));
    const stores = [checkpointStoreFor(config.audit.checkpoints, redis), ...copies];
    const checkpoints = await readCheckpoints(stores, args.chain);
    // The running API's Neo4j when there is one (.data/neo4j.json), else NEO4J_URI or an embedded one of its own.
    const db = await command.database();
    const repository = new AuditRepository(db, new CypherRegistry());
    const verdict = await verifyChain(repository, { chain: args.chain, fromSeq: args.fromSeq, toSeq: args.toSeq, key, checkpoints }).catch(
      (error: unknown) => {
        if (!(error instanceof AuditKeyMissingError)) throw error;
        throw new Error(`${error.message}: set AUDIT_HMAC_KEY to the key the API writes with (there is no dev key in ${keyFrom})`);
      },
    );
    console.log(describeVerdict(verdict));
    return EXIT[verdict.outcome];
  },
});
