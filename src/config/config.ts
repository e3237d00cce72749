import { z } from 'zod';
import { IdentifierTypes } from '../kernel/identifier-types';
import { audit } from './audit';
import { auth } from './auth';
import { consent } from './consent';
import type { Section } from './declare';
import { feed } from './feed';
import { identity } from './identity';
import { ingest } from './ingest';
import { limits } from './limits';
import { matching } from './matching';
import { metrics } from './metrics';
import { neo4j } from './neo4j';
import { privacy } from './privacy';
import { redis } from './redis';
import { retention } from './retention';
import { segmentSpec } from './segment-spec';
import { segments } from './segments';
import { server } from './server';
import { streaming } from './streaming';

export type { AuditSettings } from './audit';
export type { RetentionSettings } from './retention';
export type { SegmentSettings } from './segments';
export type { StreamingSettings } from './streaming';
export { DEV_SUPPRESSION_SALT } from './privacy';

/**
 * Every section under its key in Config; `server` is spread at the top (env, http, logLevel, seedOnStart).
 * The order is that of docs/configuration.md and of the problems a bad environment reports.
 */
export const configSections = {
  server,
  neo4j,
  redis,
  auth,
  ingest,
  limits,
  feed,
  privacy,
  identity,
  matching,
  audit,
  consent,
  retention,
  segments,
  streaming,
  segmentSpec,
  metrics,
} satisfies Record<string, Section>;

type Sections = typeof configSections;
type SettingsOf<S> = S extends Section<any, infer Out> ? Out : never;
type EnvOf<S> = S extends Section<infer Env, unknown> ? Env : never;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Every variable of every section, parsed, by environment name. */
type Env = UnionToIntersection<EnvOf<Sections[keyof Sections]>>;

export type Config = Readonly<SettingsOf<Sections['server']> & { [K in Exclude<keyof Sections, 'server'>]: SettingsOf<Sections[K]> }>;

function allVariables(): z.ZodRawShape {
  const shape: z.ZodRawShape = {};
  for (const section of Object.values(configSections)) {
    for (const [name, schema] of Object.entries(section.variables.shape as z.ZodRawShape)) {
      if (name in shape) throw new Error(`${name} is declared in two configuration sections`);
      shape[name] = schema;
    }
  }
  return shape;
}

/** The rules that tie variables of different sections together. */
const environment = z.object(allVariables()).superRefine((parsed, ctx) => {
  const e = parsed as Env;
  // No default secret outside an explicit dev mode: a forgotten setting must stop the start, not open the API.
  if (!e.AUTH_DEV_MODE && !e.AUTH_JWT_SECRET && !e.AUTH_JWKS_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['AUTH_JWT_SECRET'],
      message: 'set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL, or AUTH_DEV_MODE=true for local development',
    });
  }
  if (e.AUTH_JWT_SECRET && e.AUTH_JWKS_URL) {
    ctx.addIssue({ code: 'custom', path: ['AUTH_JWKS_URL'], message: 'set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both' });
  }
  // A default salt would let anyone test guessed emails against the suppression list: production must set one.
  if (e.NODE_ENV === 'production' && !e.SUPPRESSION_SALT) {
    ctx.addIssue({ code: 'custom', path: ['SUPPRESSION_SALT'], message: 'required when NODE_ENV=production (a random secret of 32+ characters, kept forever)' });
  }
  // A key kept beside the data it protects protects nothing: production must bring its own.
  if (e.NODE_ENV === 'production' && !e.AUDIT_HMAC_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['AUDIT_HMAC_KEY'],
      message: 'required when NODE_ENV=production (a random secret of 32+ characters, kept outside Neo4j and kept forever)',
    });
  }
  // Limits and priorities name types; a configured type is known only once IDENTITY_TYPES is read.
  const types = new IdentifierTypes(e.IDENTITY_TYPES);
  for (const [variable, names] of [
    ['IDENTITY_LIMITS', Object.keys(e.IDENTITY_LIMITS ?? {})],
    ['IDENTITY_PRIORITY', e.IDENTITY_PRIORITY ?? []],
  ] as const) {
    const unknown = names.filter((name) => !types.has(name));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', path: [variable], message: `unknown identifier types ${unknown.join(', ')} (known: ${types.names.join(', ')})` });
    }
  }
  if (e.INGEST_WORKER_IN_PROCESS === true && !e.REDIS_URL) {
    ctx.addIssue({ code: 'custom', path: ['INGEST_WORKER_IN_PROCESS'], message: 'the ingest worker reads a Redis Stream: set REDIS_URL too' });
  }
  if (e.INGEST_WORKER_BATCH_SIZE > e.INGEST_MAX_BATCH) {
    ctx.addIssue({ code: 'custom', path: ['INGEST_WORKER_BATCH_SIZE'], message: `at most INGEST_MAX_BATCH (${e.INGEST_MAX_BATCH}): a batch is one ingestEvents call` });
  }
  if (e.AUTH_DEV_MODE && e.NODE_ENV === 'production') {
    ctx.addIssue({ code: 'custom', path: ['AUTH_DEV_MODE'], message: 'dev mode is refused when NODE_ENV=production' });
  }
});

export class ConfigError extends Error {}

/** Parses the whole environment once and reports every problem together. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data as Env;
  const { server: top, ...sections } = configSections;
  const settings = Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.read(e)]));
  return Object.freeze({ ...top.read(e), ...settings }) as Config;
}
