import { createHmac } from 'node:crypto';

/**
 * Salted hashes of normalised identifier keys (`EMAIL:ada@example.com`) and source record keys
 * (`RECORD:crm:CRM-1`): an erased person's keys can be recognised again without the values being kept.
 * Changing the salt makes every stored suppression unrecognisable, so it is set once and kept.
 */
export class SuppressionHasher {
  constructor(private readonly salt: string) {}

  hash(key: string): string {
    return createHmac('sha256', this.salt).update(key).digest('hex');
  }
}
