import 'reflect-metadata';
import { createApp } from './app';
import type { Config } from './config/config';
import type { Logger } from './observability/logger';
import { seedDemoIfEmpty } from './seeds/demo-seed';
import { runCommand } from './infra/services/run-command';

/** `npm start`: the API, until SIGINT or SIGTERM. */
runCommand({
  needs: 'database',
  until: 'signalled',
  async run(command) {
    const { config, logger } = command.configure();
    const db = await command.database();
    const app = await createApp({ config, db, logger });
    command.started({ name: 'the API', stop: () => app.stop() });
    if (config.seedOnStart) await seedDemoIfEmpty(app.services.ingestion, app.services.customers, logger);
    const url = await app.listen(config.http.host, config.http.port);
    logIngestion(config, logger);
    const ready = `Customer-360 API ready: GraphQL at ${url}/graphql, GraphiQL at ${url}/graphiql/, health at ${url}/health/ready, metrics at ${url}/metrics`;
    logger.info({ url }, ready);
    // The log is JSON for machines; a person starting the API reads this line.
    console.log(`\n${ready}`);
    if (config.auth.devMode && app.minter) printDevTokens(await app.minter.devTokens(), url);
    if (app.segmentDevWriteKey) printDevWriteKey(app.segmentDevWriteKey, url);
  },
});

/** Where events accepted at /v1 are applied: with Redis and no worker anywhere, they would wait in the stream unseen. */
function logIngestion(config: Config, logger: Logger) {
  const stream = config.streaming.streamKey;
  if (!config.redis.url) logger.info('ingestion: /v1 calls are applied at once, before the answer (no REDIS_URL)');
  else if (config.streaming.workerInProcess) logger.info({ stream }, 'ingestion: /v1 calls go to the Redis Stream and the worker in this process applies them');
  else logger.warn({ stream }, 'ingestion: /v1 calls go to the Redis Stream and wait there until a worker applies them: run `npm run worker` (INGEST_WORKER_IN_PROCESS=false)');
}

/** Dev mode only: a ready bearer token per role, so a new user can call the API at once (`npm run token` mints more). */
function printDevTokens(tokens: Record<string, string>, url: string) {
  const lines = Object.entries(tokens).map(([role, token]) => `  ${role.padEnd(9)} ${token}`);
  console.log(
    [
      '',
      'Dev mode: tokens valid for 8 hours (send as "Authorization: Bearer <token>"; GraphiQL has the admin one preset):',
      ...lines,
      `Example: curl -s ${url}/graphql -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
      `           -d '{"query":"{ customers(first: 3) { edges { node { id firstName email } } } }"}'`,
      '',
    ].join('\n'),
  );
}

/** Dev mode without SEGMENT_WRITE_KEYS: the generated key, so a tracking SDK can be pointed at /v1 at once. */
function printDevWriteKey(writeKey: string, url: string) {
  console.log(
    [
      `Dev mode: Segment-spec endpoint at ${url}/v1 (identify, track, alias, page, screen, batch); write key ${writeKey}`,
      `Example: curl -s ${url}/v1/track -u '${writeKey}:' -H 'content-type: application/json' \\`,
      `           -d '{"userId":"u-1","event":"Order Completed","properties":{"total":42}}'`,
      '',
    ].join('\n'),
  );
}
