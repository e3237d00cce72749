import type { Config } from '../config/config';
import { tokenSettings } from './auth-settings';
import { TokenMinter } from './token-minter';
import { TokenVerifier } from './token-verifier';

/** Bearer tokens: the verifier every request and connection goes through, and the dev-mode minter. */
export function createAuth(settings: Config['auth']) {
  const tokens = tokenSettings(settings);
  const minter = tokens.secret ? new TokenMinter(tokens.secret, tokens.issuer, tokens.audience) : null;
  return {
    verifier: new TokenVerifier(tokens),
    /** Mints HS256 tokens (dev mode, tests); null when tokens come from an identity provider's JWKS. */
    minter,
    /** Dev mode: a fresh admin token preset in GraphiQL's headers. */
    graphiqlToken: settings.devMode && minter ? () => minter.mint({ role: 'admin', subject: 'graphiql-dev' }) : undefined,
  };
}
