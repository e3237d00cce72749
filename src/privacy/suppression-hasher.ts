import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Salted hashes of normalised identifier keys (`EMAIL:ada@example.com`) and source record keys
 * (`RECORD:crm:CRM-1`): an erased person's keys can be recognised again without the values being kept.
 * Changing the salt makes every stored suppression unrecognisable, so it is set once and kept.
 */
export class SuppressionHasher {
  /** Prepared once: given as a string, the salt was converted to a key again for each of a batch's thousands of keys. */
  private readonly key: KeyObject;

  constructor(salt: string) {
    this.key = createSecretKey(Buffer.from(salt, 'utf8'));
  }

  hash(key: string): string {
    return createHmac('sha256', this.key).update(key).digest('hex');
  }
}
