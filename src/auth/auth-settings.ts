import type { Config } from '../config/config';
import { persistedSecret } from '../shared/persisted-secret';
import type { TokenSettings } from './token-verifier';

/**
 * The token settings in force. In dev mode without a configured secret, a random one is kept in a file beside the
 * local data, so tokens printed at start and minted by `npm run token` stay valid across restarts.
 */
export function tokenSettings(auth: Config['auth']): TokenSettings {
  const { issuer, audience } = auth;
  if (auth.jwksUrl) return { jwksUrl: auth.jwksUrl, issuer, audience };
  if (auth.secret) return { secret: auth.secret, issuer, audience };
  if (!auth.devMode) throw new Error('no token secret configured outside dev mode');
  return { secret: persistedSecret(auth.devSecretFile), issuer, audience };
}
