import { z } from 'zod';
import { section, variable } from './declare';
import { intBetween } from './values';

/** Days to keep a data class; 0 (the default) keeps it forever. */
const retentionDays = z.coerce.number().int().min(0).default(0);

export const retention = section('Retention', 'How long data classes are kept; every window is off (`0`, keep forever) by default.', {
  anonymousProfileDays: variable(
    'RETENTION_ANONYMOUS_PROFILE_DAYS',
    retentionDays,
    'days without activity after which a customer with only anonymous or device identifiers and no source record is removed; `0` keeps them',
  ),
  sourceRecordDays: variable('RETENTION_SOURCE_RECORD_DAYS', retentionDays, 'days after its last version at which a source record is removed; `0` keeps them'),
  deadLetterDays: variable('RETENTION_DEAD_LETTER_DAYS', retentionDays, 'days after its first rejection at which a dead letter is removed; `0` keeps them'),
  intervalMinutes: variable(
    'RETENTION_INTERVAL_MINUTES',
    z.coerce.number().int().min(0).default(60),
    'how often the API process applies retention when a window is set; `0` never (run `npm run retention` from a scheduler instead)',
  ),
  batchSize: variable('RETENTION_BATCH_SIZE', intBetween(1, 10000).default(500), 'rows removed per transaction'),
});

export type RetentionSettings = z.infer<typeof retention.schema>;
