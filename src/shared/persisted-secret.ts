import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Dev mode only: a random secret kept in a file beside the local data, so what was handed out survives restarts. */
export function persistedSecret(file: string): string {
  const existing = readPersistedSecret(file);
  if (existing) return existing;
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** The secret `persistedSecret` kept, or null: for readers that must not make up a secret nobody wrote with. */
export function readPersistedSecret(file: string): string | null {
  try {
    const existing = readFileSync(file, 'utf8').trim();
    return existing.length >= 32 ? existing : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return null;
  }
}
