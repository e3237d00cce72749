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
      loadConfig({ PORT: 'eighty', IDENTITY_LIMITS: 'EMAIL=0,SHOE=2', IDENTITY_BLOCKED_PATTERNS: '["(unclosed"]', IDENTITY_DEFAULT_REGION: 'germany' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('PORT');
    expect(message).toContain('"EMAIL=0"');
    expect(message).toContain('"SHOE=2"');
    expect(message).toContain('invalid regular expression');
    expect(message).toContain('IDENTITY_DEFAULT_REGION');
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

  it('requires a suppression salt in production and says when the development one is in use', () => {
    const secret = 'x'.repeat(32);
    expect(() => loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret })).toThrow(/SUPPRESSION_SALT: required when NODE_ENV=production/);
    const production = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret, SUPPRESSION_SALT: 's'.repeat(32) });
    expect(production.privacy).toMatchObject({ suppressionSalt: 's'.repeat(32), suppressionSaltIsDevDefault: false });
    const development = loadConfig({ AUTH_DEV_MODE: 'true' });
    expect(development.privacy).toMatchObject({ suppressionSalt: DEV_SUPPRESSION_SALT, suppressionSaltIsDevDefault: true, erasureBatchSize: 500 });
    expect(() => loadConfig({ AUTH_DEV_MODE: 'true', SUPPRESSION_SALT: 'short', MASKED_COPY_KEY: 'short' })).toThrow(
      /SUPPRESSION_SALT: at least 32 characters[\s\S]*MASKED_COPY_KEY: at least 32 characters/,
    );
  });
});
