import { z } from 'zod';
import { section, variable } from './declare';

export const redis = section('Redis', 'Optional: what several instances of the API share.', {
  url: variable(
    'REDIS_URL',
    z.string().url().optional(),
    'Redis for rate limits shared by all instances, evicting cached copies on erasure, subscriptions across instances, the durable membership feed and the ingest stream; unset: per-instance rate limits, in-process pub/sub, an in-memory feed, and `/v1` calls resolved directly (tests start one regardless)',
  ),
});

export type RedisSettings = z.infer<typeof redis.schema>;
