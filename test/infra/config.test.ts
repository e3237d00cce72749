import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
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
    const config = loadConfig({ IDENTITY_LIMITS: 'EMAIL=2, PHONE=3', IDENTITY_PRIORITY: 'CRM_ID,USER_ID', IDENTITY_BLOCKED_PATTERNS: '["^test@"]' });
    expect(config.identity.limits).toEqual({ EMAIL: 2, PHONE: 3 });
    expect(config.identity.priority).toEqual(['CRM_ID', 'USER_ID']);
    expect(config.identity.blockedPatterns).toEqual(['^test@']);
  });
});
