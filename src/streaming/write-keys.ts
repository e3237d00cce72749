import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/config';
import { persistedSecret } from '../shared/persisted-secret';

const digest = (key: string) => createHash('sha256').update(key).digest();

/** The write keys the Segment-spec endpoint accepts; each may name the source its events are attributed to. */
export class WriteKeys {
  private readonly entries: { digest: Buffer; source: string | null }[];

  constructor(keys: { key: string; source: string | null }[]) {
    this.entries = keys.map(({ key, source }) => ({ digest: digest(key), source }));
  }

  /**
   * SEGMENT_WRITE_KEYS, or in dev mode without them a generated key kept in a file (returned as devKey to print).
   * Outside dev mode with no keys, every request is refused.
   */
  static fromConfig(config: Config): { writeKeys: WriteKeys; devKey: string | null } {
    if (config.segmentSpec.writeKeys.length > 0 || !config.auth.devMode) return { writeKeys: new WriteKeys(config.segmentSpec.writeKeys), devKey: null };
    const devKey = persistedSecret(config.segmentSpec.devWriteKeyFile);
    return { writeKeys: new WriteKeys([{ key: devKey, source: null }]), devKey };
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** The key's source (null: none named), or undefined for an unknown key. Compares digests in constant time. */
  sourceOf(key: string): string | null | undefined {
    const given = digest(key);
    let found: string | null | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, given) && found === undefined) found = entry.source;
    return found;
  }
}

/** The write key of an HTTP Basic header, as Segment's SDKs send it: username = key, empty password. */
export function basicAuthUser(header: string | undefined): string | null {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
  return user.length > 0 ? user : null;
}
