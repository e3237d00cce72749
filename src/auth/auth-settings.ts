import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../config/config';
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
  return { secret: devSecret(auth.devSecretFile), issuer, audience };
}

function devSecret(file: string): string {
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
