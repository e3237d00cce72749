import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createApp, type App } from '../../src/app';
import { principalOf, type Principal } from '../../src/auth/principal';
import type { Role } from '../../src/auth/roles';
import { loadConfig, type Config } from '../../src/config/config';
import type { IdentityRules } from '../../src/identity/identity-rules';
import { Database } from '../../src/infra/neo4j/database';
import { createLogger, type Logger } from '../../src/observability/logger';

export type TestApp = App & { db: Database; config: Config; close(): Promise<void> };

/** An app wired to the run's real Neo4j, as `npm start` wires it; tests isolate by unique values, never by wiping. */
export async function startTestApp(
  options: { env?: Record<string, string | undefined>; rules?: IdentityRules; clock?: () => Date; logger?: Logger } = {},
): Promise<TestApp> {
  // Test apps run on clocks of their own, years apart, over one shared database: a window scheduler on one clock
  // would act on another test's rechecks. Tests drive windows themselves (app.segments.windows.runDue()).
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    SEED_ON_START: 'false',
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SEGMENT_WINDOW_SCHEDULER: 'false',
    // The API consumes the ingest stream by default: tests that want a worker say so, on a stream of their own.
    INGEST_WORKER_IN_PROCESS: 'false',
    // Tests share one database, and a model another test trained would match their people by name: matching
    // tests switch it on.
    MATCH_MODE: 'OFF',
    // Tests share one database: an app follows the rules it started with and its own activations, not another
    // test's; and rule changes walk without a budget's pauses.
    MATCH_RULES_REFRESH_SECONDS: '0',
    RERESOLUTION_PAUSE_MS: '0',
    ...options.env,
  });
  const db = Database.connect(config.neo4j.uri!, config.neo4j.user, config.neo4j.password, config.neo4j.database);
  const logger = options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // An app configured with rules of its own (merge protection off, identifier types) keeps them to itself: the
  // rules in force are one for the whole shared database, and the other tests resolve with the default ones.
  const ownRules = options.rules !== undefined || Object.keys(options.env ?? {}).some((name) => name.startsWith('IDENTITY_'));
  const app = await createApp({ config, db, logger, rules: options.rules, ownRules, clock: options.clock });
  return Object.assign(app, {
    db,
    config,
    async close() {
      await app.stop();
      await db.close();
    },
  });
}

export const TEST_JWT_SECRET = 'test-secret-of-at-least-thirty-two-characters';

/** A principal as a verified token of this role would give, for in-process operations. */
export const as = (role: Role, claims: { purpose?: string; subject?: string } = {}): Principal =>
  principalOf({ subject: claims.subject ?? `test-${role}`, roles: [role], purpose: claims.purpose });

/** The principal in-process test operations run as unless they say otherwise. */
export const ADMIN = as('admin');

/** A bearer token for HTTP and WebSocket clients. */
export const tokenFor = (app: App, role: Role, claims: { purpose?: string; ttlSeconds?: number } = {}) =>
  app.minter!.mint({ role, ...claims });

/** A prefix unique to one test, for ids, emails and sources it creates. */
export const unique = (label = 't') => `${label}${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** Runs an operation and fails loudly on GraphQL errors, returning data. */
export async function gql<T = any>(app: App, query: string, variables?: Record<string, unknown>, principal: Principal = ADMIN): Promise<T> {
  const response = await app.execute<T>(query, variables, principal);
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  const { data, errors } = response.body.singleResult;
  if (errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(errors, null, 2)}`);
  return data as T;
}

/** Runs an operation expected to fail, returning its errors. */
export async function gqlErrors(app: App, query: string, variables?: Record<string, unknown>, principal: Principal = ADMIN) {
  const response = await app.execute(query, variables, principal);
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { data: response.body.singleResult.data, errors: response.body.singleResult.errors ?? [] };
}

/** The definition of a segment nobody enters (an event nobody sends): a subscription needs a segment that exists. */
export const QUIET_SEGMENT = {
  query: `mutation($name: String!, $definition: JSON!) { createSegment(name: $name, definition: $definition) { id } }`,
  variables: () => ({ name: unique('quiet'), definition: { event: unique('never sent') } }),
};

/** A live segment that no customer enters, for tests that feed its membership changes by hand. */
export async function quietSegment(app: App): Promise<string> {
  const { createSegment } = await gql<{ createSegment: { id: string } }>(app, QUIET_SEGMENT.query, QUIET_SEGMENT.variables());
  return createSegment.id;
}
