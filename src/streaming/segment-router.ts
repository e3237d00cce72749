import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../shared/errors';
import type { BatchLimit } from '../ingestion/batch-limit';
import { isObject } from '../ingestion/payload-fields';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { EventSink } from './event-sink';
import { EnvelopeError, SEGMENT_TYPES, toRawEvents, type SegmentType } from './segment-event';
import { basicAuthUser, type WriteKeys } from './write-keys';

type Options = {
  sink: EventSink;
  /** The limit ingestEvents applies: a larger batch is refused whole, before anything is accepted. */
  batchLimit: BatchLimit;
  writeKeys: WriteKeys;
  maxBodyBytes: number;
  retryAfterSeconds: number;
  metrics: Metrics;
  logger: Logger;
  clock?: () => Date;
};

function fail(res: Response, status: number, code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  res.status(status).json({ success: false, code, message, ...details });
}

/** JSON errors a tracking SDK can read: a body that does not parse is a 400, never express's HTML page. */
const bodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') return fail(res, 413, 'PAYLOAD_TOO_LARGE', 'Request body too large');
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return fail(res, 400, 'BAD_USER_INPUT', 'The request body is not valid JSON', { reason: 'INVALID_JSON' });
  }
  next(error);
};

/**
 * Segment's tracking API (`/v1/identify`, `/track`, `/alias`, `/page`, `/screen`, `/group`, `/batch`), so existing
 * SDKs work unmodified: the write key in HTTP Basic auth (or `writeKey` in the body, as browser libraries send it).
 */
export function segmentRouter({ sink, batchLimit, writeKeys, maxBodyBytes, retryAfterSeconds, metrics, logger, clock = () => new Date() }: Options) {
  const router = express.Router();
  // Some libraries send JSON as text/plain (it spares browsers a CORS preflight): parse whatever arrives.
  router.use(express.json({ limit: maxBodyBytes, type: () => true }), bodyErrors);

  const handle = (type: SegmentType | null) => async (req: Request, res: Response) => {
    const body: unknown = req.body;
    const key = basicAuthUser(req.header('authorization')) ?? (isObject(body) && typeof body.writeKey === 'string' ? body.writeKey : null);
    const source = key === null ? undefined : writeKeys.sourceOf(key);
    if (source === undefined) {
      metrics.limitRejections.inc({ limit: 'write_key', transport: 'http' });
      return fail(res, 401, 'UNAUTHENTICATED', key === null ? 'Send the write key as the HTTP Basic username' : 'Unknown write key');
    }
    let events;
    try {
      if (!isObject(body)) throw new EnvelopeError('INVALID_BODY', 'The body must be a JSON object');
      if (type === null && !Array.isArray(body.batch)) throw new EnvelopeError('INVALID_BODY', 'batch must be an array of calls');
      const items = type === null ? (body.batch as unknown[]) : [body];
      const tooMany = batchLimit.refusal(items.length);
      if (tooMany) return fail(res, 400, 'BAD_USER_INPUT', tooMany, { reason: 'BATCH_TOO_LARGE', maxBatch: batchLimit.max });
      events = toRawEvents(items, { type: type ?? undefined, sentAt: body.sentAt, source, receivedAt: clock(), newMessageId: randomUUID });
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      return fail(res, 400, 'BAD_USER_INPUT', error.message, { reason: error.reason });
    }
    if (events.length === 0) return void res.json({ success: true });
    try {
      const outcome = await sink.accept(events);
      if (!outcome.accepted) {
        metrics.limitRejections.inc({ limit: 'backlog', transport: 'http' });
        res.setHeader('retry-after', String(retryAfterSeconds));
        return fail(res, 429, 'RATE_LIMITED', 'Ingestion backlog is full; retry later', { retryAfterSeconds });
      }
    } catch (error) {
      // Redis or Neo4j away, typically. A retry is always safe: the events keep their messageIds.
      logger.warn({ err: error }, 'tracking call could not be accepted');
      res.setHeader('retry-after', String(retryAfterSeconds));
      return fail(res, 503, 'SERVICE_UNAVAILABLE', 'Ingestion is unavailable; retry later', { retryAfterSeconds });
    }
    res.json({ success: true });
  };

  router.post(['/batch', '/import'], handle(null));
  for (const type of SEGMENT_TYPES) router.post(`/${type}`, handle(type));
  return router;
}
