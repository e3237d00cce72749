import 'reflect-metadata';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { createLogger } from '../src/observability/logger';
import { runCommand } from '../src/infra/services/run-command';
import { startBaselineServer } from './baseline-server';

/**
 * One server under test in its own process, so the load generator never shares its event loop:
 * `full` is the API as `npm start` runs it, `unguarded` the same without its policy layer (shield, masking), and
 * `baseline` the bare yardstick. Prints `READY <url>`. It exits normally on a signal, so `node --cpu-prof` can write
 * its profile.
 */
runCommand({
  needs: 'database',
  until: 'signalled',
  async run(command) {
    const mode = process.argv[2];
    // AUTH_JWT_SECRET comes from the benchmark, which signs the tokens its load carries; NEO4J_URI from its stack.
    const { config } = command.configure(loadConfig({ RATE_LIMIT_POINTS: '0', ...process.env, LOG_LEVEL: 'warn', SEED_ON_START: 'false' }));
    if (mode === 'baseline') {
      const server = await startBaselineServer(config.neo4j.uri!, config.neo4j.user, config.neo4j.password);
      console.log(`READY ${server.url}`);
      return;
    }
    const db = await command.database();
    const app = await createApp({ config, db, logger: createLogger('warn'), withoutPolicyLayer: mode === 'unguarded' });
    console.log(`READY ${await app.listen('127.0.0.1', 0)}`);
  },
});
