import { z } from 'zod';
import { section, variable } from './declare';
import { csv } from './values';

const writeKeys = z
  .string()
  .optional()
  .transform((value, ctx) =>
    csv(value).map((entry) => {
      const [key, source, ...rest] = entry.split(':').map((part) => part.trim());
      if (!key || rest.length > 0 || (source !== undefined && !/^[a-z0-9_-]{1,64}$/i.test(source))) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not KEY or KEY:source (source letters, digits, _ or -)` });
      }
      return { key, source: source ? source.toLowerCase() : null };
    }),
  );

/** The Segment-spec tracking endpoint (/v1/*), not to be confused with audience segments. */
export const segmentSpec = section('Segment-spec endpoint', 'The `/v1` tracking endpoint that Segment SDKs send to (not audience segments).', {
  writeKeys: variable(
    'SEGMENT_WRITE_KEYS',
    writeKeys,
    'write keys `/v1` accepts, `key` or `key:source` (the source its events are attributed to; else `events`), comma-separated; unset in dev mode: a generated key',
  ),
  devWriteKeyFile: variable(
    'SEGMENT_DEV_WRITE_KEY_FILE',
    z.string().default('.data/dev-segment-write-key'),
    'where dev mode keeps its generated write key, so SDK setups survive restarts',
  ),
});

export type SegmentSpecSettings = z.infer<typeof segmentSpec.schema>;
