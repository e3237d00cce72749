import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { runCommand } from '../infra/services/run-command';
import { tokenSettings } from './auth-settings';
import { isRole, isScope, ROLES, SCOPES } from './roles';
import { TokenMinter } from './token-minter';

const USAGE = `Usage: npm run -s token -- --role <role> [options]

Prints a bearer token signed with the configured HS256 secret (in dev mode, the secret in .data/dev-jwt-secret).

  --role <role>        one of ${ROLES.join(', ')} (required)
  --purpose <purpose>  bind the token to a processing purpose (it then sees only consenting customers)
  --subject <name>     the token's subject (default: the role's name)
  --region <region>    the token's region claim
  --ttl <seconds>      lifetime in seconds (default 28800, 8 hours)
  --scope <scope>      an extra scope beyond the role's, repeatable: ${SCOPES.join(', ')}
  --help               this text`;

/**
 * `npm run token -- --role analyst [--purpose personalization] [--subject alice] [--ttl 3600] [--scope pii:read]`:
 * prints a token signed with the configured HS256 secret (or the dev-mode secret file).
 */
const OPTIONS = {
  role: { type: 'string' },
  subject: { type: 'string' },
  purpose: { type: 'string' },
  region: { type: 'string' },
  ttl: { type: 'string', default: '28800' },
  scope: { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h' },
} as const;

runCommand({
  needs: 'none',
  // Every refusal is its message alone (an unknown option with the usage), and exit code 1.
  failure: { report: 'message' },
  async run() {
    let parsed;
    try {
      parsed = parseArgs({ options: OPTIONS });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n\n${USAGE}`);
    }
    const { values } = parsed;
    if (values.help) return void console.log(USAGE);
    if (!isRole(values.role)) throw new Error(`--role must be one of ${ROLES.join(', ')}\n\n${USAGE}`);

    const unknownScopes = values.scope!.filter((scope) => !isScope(scope));
    if (unknownScopes.length > 0) throw new Error(`unknown scopes: ${unknownScopes.join(', ')}`);
    const ttlSeconds = Number(values.ttl);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error('--ttl must be a positive number of seconds');
    const config = loadConfig({ AUTH_DEV_MODE: 'true', ...process.env });
    const settings = tokenSettings(config.auth);
    if (!settings.secret) throw new Error('tokens come from the identity provider (AUTH_JWKS_URL is set); nothing to mint here');
    const minter = new TokenMinter(settings.secret, settings.issuer, settings.audience);
    console.log(
      await minter.mint({
        role: values.role,
        subject: values.subject,
        purpose: values.purpose,
        region: values.region,
        ttlSeconds,
        extraScopes: values.scope!.filter(isScope),
      }),
    );
  },
});
