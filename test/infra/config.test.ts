import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { auditKeyForVerifying, auditKeyForWriting } from '../../src/audit/audit-key';
import { ConfigError, DEV_SUPPRESSION_SALT, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({ AUTH_DEV_MODE: 'true' });
    expect(config.identity).toMatchObject({ defaultRegion: 'US', sourcePriority: ['crm', 'support', 'ecommerce', 'mobile', 'web'] });
    expect(config.http.port).toBe(4000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every problem together', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', IDENTITY_LIMITS: 'EMAIL=0,shoe=2', IDENTITY_BLOCKED_PATTERNS: '["(unclosed"]', IDENTITY_DEFAULT_REGION: 'germany' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('"EMAIL=0"');
    expect(message).toContain('"shoe=2"');
    expect(message).toContain('invalid regular expression');
    expect(message).toContain('IDENTITY_DEFAULT_REGION');
  });

  it('takes identifier types from IDENTITY_TYPES, and limits and priorities may name them', () => {
    const config = loadConfig({
      AUTH_DEV_MODE: 'true',
      IDENTITY_TYPES: JSON.stringify([{ name: 'LOYALTY_ID', fields: ['loyaltyId'], case: 'upper', pattern: '^L[0-9]{6}$', limit: 1 }, { name: 'NATIONAL_ID', person: true }]),
      IDENTITY_LIMITS: 'NATIONAL_ID=1',
      IDENTITY_PRIORITY: 'USER_ID,NATIONAL_ID',
    });
    expect(config.identity.types.names).toEqual(['USER_ID', 'CRM_ID', 'EMAIL', 'PHONE', 'ANONYMOUS_ID', 'DEVICE_ID', 'LOYALTY_ID', 'NATIONAL_ID']);
    expect(config.identity.types.get('LOYALTY_ID')).toMatchObject({ builtIn: false, person: true, limit: 1, valueCase: 'upper', fields: ['loyaltyId'] });
    expect(config.identity.limits).toEqual({ NATIONAL_ID: 1 });
  });

  it.each([
    [{ IDENTITY_TYPES: '[{"name":"EMAIL"}]' }, 'is built in or reserved'],
    [{ IDENTITY_TYPES: '[{"name":"RECORD"}]' }, 'is built in or reserved'],
    [{ IDENTITY_TYPES: '[{"name":"loyalty"}]' }, 'upper case letters'],
    [{ IDENTITY_TYPES: '[{"name":"LOYALTY_ID","pattern":"(unclosed"}]' }, 'not a valid regular expression'],
    [{ IDENTITY_TYPES: '[{"name":"LOYALTY_ID","colour":"red"}]' }, 'Unrecognized key'],
    [{ IDENTITY_TYPES: '[{"name":"A_ID"},{"name":"A_ID"}]' }, 'configured twice: A_ID'],
    [{ IDENTITY_TYPES: 'LOYALTY_ID' }, 'must be a JSON array'],
    [{ IDENTITY_TYPES: '[{"name":"LOYALTY_ID","fields":["email"]}]' }, 'is read as a built-in identifier or a profile attribute already'],
    [{ IDENTITY_TYPES: '[{"name":"A_ID","fields":["card"]},{"name":"B_ID","fields":["card"]}]' }, 'fields read by two types: card'],
    [{ IDENTITY_TYPES: '[{"name":"A_ID","fields":["__proto__"]}]' }, 'a field name'],
    [{ IDENTITY_LIMITS: 'SHOE=2' }, 'unknown identifier types SHOE'],
    [{ IDENTITY_PRIORITY: 'USER_ID,SHOE' }, 'unknown identifier types SHOE'],
  ])('refuses %j', (env, problem) => {
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', ...env })).toThrow(problem);
  });

  it('has audit batching defaults and refuses an unusable flush setting', () => {
    expect(loadConfig({ AUTH_DEV_MODE: 'true' }).audit).toEqual({
      batchSize: 10000,
      flushIntervalMs: 1000,
      maxBuffer: 200000,
      retryAfterSeconds: 1,
      hmacKey: undefined,
      devKeyFile: '.data/dev-audit-key',
      checkpoints: { intervalMs: 60_000, file: '.data/audit-checkpoints.jsonl', redisKey: 'c360:audit:checkpoints' },
    });
    expect(loadConfig({ AUTH_DEV_MODE: 'true', AUDIT_BATCH_SIZE: '200', AUDIT_FLUSH_INTERVAL_MS: '250' }).audit).toMatchObject({
      batchSize: 200,
      flushIntervalMs: 250,
    });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', AUDIT_BATCH_SIZE: '0', AUDIT_FLUSH_INTERVAL_MS: 'soon' })).toThrow(
      /AUDIT_BATCH_SIZE[\s\S]*AUDIT_FLUSH_INTERVAL_MS/,
    );
  });

  it('bounds ingested items by depth and size, with defaults, and refuses a depth JSON.stringify could not serialise', () => {
    expect(loadConfig({ AUTH_DEV_MODE: 'true' }).ingest).toEqual({ maxBatch: 1000, maxItemDepth: 32, maxItemBytes: 32768 });
    expect(loadConfig({ AUTH_DEV_MODE: 'true', INGEST_MAX_ITEM_DEPTH: '8', INGEST_MAX_ITEM_BYTES: '4096' }).ingest).toMatchObject({
      maxItemDepth: 8,
      maxItemBytes: 4096,
    });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', INGEST_MAX_ITEM_DEPTH: '6000' })).toThrow(/INGEST_MAX_ITEM_DEPTH/);
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', INGEST_MAX_ITEM_BYTES: '10' })).toThrow(/INGEST_MAX_ITEM_BYTES/);
  });

  it('parses identity limits, priority and blocked patterns', () => {
    const config = loadConfig({ AUTH_DEV_MODE: 'true', IDENTITY_LIMITS: 'EMAIL=2, PHONE=3', IDENTITY_PRIORITY: 'CRM_ID,USER_ID', IDENTITY_BLOCKED_PATTERNS: '["^test@"]' });
    expect(config.identity.limits).toEqual({ EMAIL: 2, PHONE: 3 });
    expect(config.identity.priority).toEqual(['CRM_ID', 'USER_ID']);
    expect(config.identity.blockedPatterns).toEqual(['^test@']);
  });

  it('has no default token secret outside an explicit dev mode', () => {
    expect(() => loadConfig({})).toThrow(/AUTH_JWT_SECRET: set AUTH_JWT_SECRET \(HS256\) or AUTH_JWKS_URL/);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_DEV_MODE: 'true' })).toThrow(/dev mode is refused when NODE_ENV=production/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' }).auth.jwksUrl).toBe(
      'https://idp.example.com/.well-known/jwks.json',
    );
  });

  it('has abuse limits with graphql-armor defaults, each set by its own variable', () => {
    expect(loadConfig({ AUTH_DEV_MODE: 'true' }).limits).toEqual({
      operation: { maxDepth: 6, maxAliases: 15, maxDirectives: 50, maxTokens: 1000, maxCost: 5000 },
      httpMaxBodyBytes: 1048576,
      wsMaxMessageBytes: 65536,
      wsMaxSubscriptionsPerConnection: 100,
      rate: { points: 1200, durationSeconds: 60 },
    });
    const tuned = loadConfig({
      AUTH_DEV_MODE: 'true',
      GRAPHQL_MAX_DEPTH: '8',
      GRAPHQL_MAX_ALIASES: '30',
      GRAPHQL_MAX_DIRECTIVES: '10',
      GRAPHQL_MAX_TOKENS: '5000',
      GRAPHQL_MAX_COST: '20000',
      HTTP_MAX_BODY_BYTES: '4194304',
      WS_MAX_MESSAGE_BYTES: '1024',
      WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '5',
      RATE_LIMIT_POINTS: '0',
      RATE_LIMIT_DURATION_SECONDS: '1',
    });
    expect(tuned.limits).toEqual({
      operation: { maxDepth: 8, maxAliases: 30, maxDirectives: 10, maxTokens: 5000, maxCost: 20000 },
      httpMaxBodyBytes: 4194304,
      wsMaxMessageBytes: 1024,
      wsMaxSubscriptionsPerConnection: 5,
      rate: { points: 0, durationSeconds: 1 },
    });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', GRAPHQL_MAX_DEPTH: '0', RATE_LIMIT_POINTS: '-1', HTTP_MAX_BODY_BYTES: '1mb' })).toThrow(
      /GRAPHQL_MAX_DEPTH[\s\S]*HTTP_MAX_BODY_BYTES[\s\S]*RATE_LIMIT_POINTS/,
    );
  });

  it('has a membership feed with a default key and retention, each set by its own variable', () => {
    expect(loadConfig({ AUTH_DEV_MODE: 'true' }).feed).toEqual({ key: 'c360:feed:memberships', maxLength: 100000, relayGraceSeconds: 30, relayIntervalMs: 10000 });
    expect(loadConfig({ AUTH_DEV_MODE: 'true', FEED_KEY: 'audiences:feed', FEED_MAX_LENGTH: '500' }).feed).toMatchObject({ key: 'audiences:feed', maxLength: 500 });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', FEED_MAX_LENGTH: '0', WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: 'many' })).toThrow(
      /WS_MAX_SUBSCRIPTIONS_PER_CONNECTION[\s\S]*FEED_MAX_LENGTH/,
    );
  });

  it('parses consent purposes and retention windows, off by default', () => {
    const defaults = loadConfig({ AUTH_DEV_MODE: 'true' });
    expect(defaults.consent.purposes).toEqual(['analytics', 'personalization', 'marketing_email', 'marketing_sms', 'data_sale']);
    expect(defaults.retention).toEqual({ anonymousProfileDays: 0, sourceRecordDays: 0, deadLetterDays: 0, intervalMinutes: 60, batchSize: 500 });
    const custom = loadConfig({ AUTH_DEV_MODE: 'true', CONSENT_PURPOSES: 'Analytics, ads', RETENTION_ANONYMOUS_PROFILE_DAYS: '90', RETENTION_BATCH_SIZE: '100' });
    expect(custom.consent.purposes).toEqual(['analytics', 'ads']);
    expect(custom.retention).toMatchObject({ anonymousProfileDays: 90, batchSize: 100 });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', CONSENT_PURPOSES: 'e-mail', RETENTION_SOURCE_RECORD_DAYS: '-1' })).toThrow(
      /CONSENT_PURPOSES: purposes must look like marketing_email: e-mail[\s\S]*RETENTION_SOURCE_RECORD_DAYS/,
    );
  });

  it('takes a metrics token of 32 characters or more, none by default', () => {
    expect(loadConfig({ AUTH_DEV_MODE: 'true' }).metrics).toEqual({ token: undefined });
    expect(loadConfig({ AUTH_DEV_MODE: 'true', METRICS_TOKEN: 'm'.repeat(32) }).metrics).toEqual({ token: 'm'.repeat(32) });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: at least 32 characters/);
  });

  it('runs the ingest worker inside the API whenever Redis is configured, unless told that workers run elsewhere', () => {
    const redis = { AUTH_DEV_MODE: 'true', REDIS_URL: 'redis://127.0.0.1:6379' };
    expect(loadConfig(redis).streaming.workerInProcess).toBe(true);
    expect(loadConfig({ ...redis, INGEST_WORKER_IN_PROCESS: 'false' }).streaming.workerInProcess).toBe(false);
    // Without Redis there is no stream: the default asks for nothing, an explicit request is a mistake.
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true' })).not.toThrow();
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', INGEST_WORKER_IN_PROCESS: 'true' })).toThrow(/INGEST_WORKER_IN_PROCESS: the ingest worker reads a Redis Stream/);
  });

  it('requires a suppression salt in production and says when the development one is in use', () => {
    const secret = 'x'.repeat(32);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret })).toThrow(/SUPPRESSION_SALT: required when NODE_ENV=production/);
    const production = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret, SUPPRESSION_SALT: 's'.repeat(32), AUDIT_HMAC_KEY: 'a'.repeat(32) });
    expect(production.privacy).toMatchObject({ suppressionSalt: 's'.repeat(32), suppressionSaltIsDevDefault: false });
    const development = loadConfig({ AUTH_DEV_MODE: 'true' });
    expect(development.privacy).toMatchObject({ suppressionSalt: DEV_SUPPRESSION_SALT, suppressionSaltIsDevDefault: true, erasureBatchSize: 500 });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', SUPPRESSION_SALT: 'short', MASKED_COPY_KEY: 'short' })).toThrow(
      /SUPPRESSION_SALT: at least 32 characters[\s\S]*MASKED_COPY_KEY: at least 32 characters/,
    );
  });

  it('requires an audit key of its own in production, and keys development with a generated one in .data/', () => {
    const production = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32), SUPPRESSION_SALT: 's'.repeat(32) };
    expect(() => loadConfig(production)).toThrow(/AUDIT_HMAC_KEY: required when NODE_ENV=production/);
    expect(() => loadConfig({ ...production, AUDIT_HMAC_KEY: 'short' })).toThrow(/AUDIT_HMAC_KEY: at least 32 characters/);
    expect(loadConfig({ ...production, AUDIT_HMAC_KEY: 'k'.repeat(32) }).audit.hmacKey).toBe('k'.repeat(32));

    const devKeyFile = path.join(mkdtempSync(path.join(tmpdir(), 'c360-audit-key-')), 'dev-audit-key');
    const development = loadConfig({ AUTH_DEV_MODE: 'true', AUDIT_DEV_KEY_FILE: devKeyFile }).audit;
    expect(auditKeyForVerifying(development).key).toBeNull();
    const written = auditKeyForWriting(development);
    expect(written.from).toBe(devKeyFile);
    expect(statSync(devKeyFile).mode & 0o777).toBe(0o600);
    expect(auditKeyForVerifying(development).key!.id).toBe(written.key.id);
    expect(auditKeyForWriting(development).key.id).toBe(written.key.id);
  });
});
