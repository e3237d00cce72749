import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { BatchLimit } from '../ingestion/batch-limit';
import type { IngestionService } from '../ingestion/ingestion.service';
import type { PayloadGuard } from '../ingestion/payload-guard';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { DirectSink, StreamSink } from './event-sink';
import { IngestStream } from './ingest-stream';
import { segmentRouter } from './segment-router';
import { StreamWorker } from './stream-worker';
import { WriteKeys } from './write-keys';

export type StreamingDeps = {
  config: Config;
  redis: Redis | null;
  ingestion: IngestionService;
  batchLimit: BatchLimit;
  payloadGuard: PayloadGuard;
  metrics: Metrics;
  logger: Logger;
  clock?: () => Date;
};

/**
 * Events at volume: the Segment-spec endpoint (/v1), which appends to the ingest stream when Redis is configured
 * (else ingests directly), and the worker that consumes the stream in this process when asked to.
 */
export function createStreaming({ config, redis, ingestion, batchLimit, payloadGuard, metrics, logger, clock }: StreamingDeps) {
  const ingestStream = redis ? new IngestStream(redis, config.streaming) : null;
  const { writeKeys, devKey } = WriteKeys.fromConfig(config);
  if (writeKeys.empty) logger.warn('SEGMENT_WRITE_KEYS is not set: the Segment-spec endpoint /v1 refuses every call');
  const tracking = segmentRouter({
    sink: ingestStream ? new StreamSink(ingestStream, config.streaming.backlogLimit, metrics, payloadGuard) : new DirectSink(ingestion),
    batchLimit,
    writeKeys,
    maxBodyBytes: config.limits.httpMaxBodyBytes,
    retryAfterSeconds: config.streaming.retryAfterSeconds,
    metrics,
    logger,
    clock,
  });
  const worker =
    config.streaming.workerInProcess && config.redis.url
      ? new StreamWorker({ redisUrl: config.redis.url, settings: config.streaming, ingestion, metrics, logger })
      : null;
  return {
    /** Appends identity events for the worker (`ingestStream.append(events)`); null without REDIS_URL. */
    ingestStream,
    /** The Segment-spec tracking endpoint, mounted at /v1. */
    tracking,
    /** Dev mode without SEGMENT_WRITE_KEYS: the generated write key for the Segment-spec endpoint. */
    devWriteKey: devKey,
    /** The stream consumer running in this process (INGEST_WORKER_IN_PROCESS, or `npm run worker`); else null. */
    worker,
  };
}
