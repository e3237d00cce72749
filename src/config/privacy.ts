import { z } from 'zod';
import { section, variable } from './declare';
import { intBetween, secret } from './values';

/** Public, so only for development and tests: production refuses to start without SUPPRESSION_SALT. */
export const DEV_SUPPRESSION_SALT = 'c360-development-suppression-salt-NOT-FOR-PRODUCTION';

export const privacy = section(
  'Privacy',
  'Erasure, the suppression list that keeps erased people out, and masked copies for test environments.',
  {
    suppressionSalt: variable(
      'SUPPRESSION_SALT',
      secret('it keys the HMAC of erased identifiers'),
      'HMAC key of the hashes that keep erased people out (never change it); required in production, a public development salt otherwise',
    ),
    erasureBatchSize: variable('ERASURE_BATCH_SIZE', intBetween(1, 10000).default(500), 'most nodes an erasure deletes per transaction'),
    erasureResumeIntervalMs: variable(
      'ERASURE_RESUME_INTERVAL_MS',
      intBetween(100).default(30_000),
      'how often an instance looks for erasures whose holder died (lease lapsed) and resumes them',
    ),
    maskedCopyKey: variable(
      'MASKED_COPY_KEY',
      secret('it keys the pseudonyms of a masked copy'),
      "key of a masked copy's pseudonyms (or `--key`); no default: a known key would let anyone re-identify a copy by guessing",
    ),
  },
  ({ suppressionSalt, ...settings }) => ({
    suppressionSalt: suppressionSalt ?? DEV_SUPPRESSION_SALT,
    /** True when SUPPRESSION_SALT was not set and the public development salt is in use (never in production). */
    suppressionSaltIsDevDefault: !suppressionSalt,
    ...settings,
  }),
);

export type PrivacySettings = z.infer<typeof privacy.schema>;
