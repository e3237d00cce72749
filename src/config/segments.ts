import { z } from 'zod';
import { section, variable } from './declare';
import { booleanFlag, intBetween } from './values';

export const segments = section('Segments', 'Audience segments: behaviour facts, evaluation and time windows, and what readers may see of them.', {
  // Behaviour facts: TRACK counts per bucket; a window rule is exact to one bucket. Older buckets are dropped.
  bucketMinutes: variable('BEHAVIOUR_BUCKET_MINUTES', intBetween(1, 24 * 60).default(60), 'behaviour facts for segments: minutes per bucket of TRACK counts'),
  behaviourRetentionDays: variable(
    'BEHAVIOUR_RETENTION_DAYS',
    intBetween(1, 3650).default(90),
    'how long behaviour buckets are kept (the longest window a segment can use)',
  ),
  evaluationBatch: variable('SEGMENT_EVALUATION_BATCH', intBetween(1, 10000).default(1000), 'customers per transaction when a segment is evaluated over everyone'),
  // The window scheduler also looks again this often, for rechecks written by other instances.
  windowMaxSleepMs: variable(
    'SEGMENT_WINDOW_MAX_SLEEP_MS',
    intBetween(100, 3_600_000).default(30_000),
    'longest the window scheduler sleeps before looking for rechecks other instances wrote',
  ),
  // Off only where something else drives time windows (tests call runDue with their own clock).
  windowScheduler: variable(
    'SEGMENT_WINDOW_SCHEDULER',
    booleanFlag.default('true'),
    'run the window scheduler in this process (the tests turn it off and drive windows with their own clock)',
  ),
  minGroupSize: variable(
    'SEGMENT_MIN_GROUP_SIZE',
    intBetween(1, 1000).default(10),
    'segment sizes below it are withheld from readers without `pii:read` and from tokens bound to a purpose (`size: null`, `sizeBelow`); `1` shows every size',
  ),
});

export type SegmentSettings = z.infer<typeof segments.schema>;
