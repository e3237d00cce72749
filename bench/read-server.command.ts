import 'reflect-metadata';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { Database } from '../src/infra/neo4j/database';
import { createLogger } from '../src/observability/logger';
import { startBaselineServer } from './baseline-server';

/**
 * One server under test in its own process, so the load generator never shares its event loop:
 * `full` is the API as `npm start` runs it, `unguarded` the same without its policy layer (shield, masking), and
 * `baseline` the bare yardstick. Prints `READY <url>`.
 */
async function main() {
  // Exit normally on a signal, so `node --cpu-prof` can write its profile.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
  const mode = process.argv[2];
  // AUTH_JWT_SECRET comes from the benchmark, which signs the tokens its load carries.
  const config = loadConfig({ RATE_LIMIT_POINTS: '0', ...process.env, LOG_LEVEL: 'warn', SEED_ON_START: 'false' });
  if (mode === 'baseline') {
    const server = await startBaselineServer(config.neo4j.uri!, config.neo4j.user, config.neo4j.password);
    console.log(`READY ${server.url}`);
    return;
  }
  const db = Database.connect(config.neo4j.uri!, config.neo4j.user, config.neo4j.password, config.neo4j.database);
  await db.waitUntilReachable();
  const app = await createApp({ config, db, logger: createLogger('warn'), withoutPolicyLayer: mode === 'unguarded' });
  console.log(`READY ${await app.listen('127.0.0.1', 0)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
