import type { RawEvent } from '../ingestion/event-normalizer';
import type { IngestResult } from '../ingestion/ingestion.service';
import { RefusedItem, type PayloadGuard } from '../ingestion/payload-guard';
import type { Metrics } from '../observability/metrics';
import type { IngestStream } from './ingest-stream';

export type Acceptance = { accepted: true } | { accepted: false; backlog: number };

/** Where the Segment-spec endpoint puts what it accepted. */
export interface EventSink {
  accept(events: RawEvent[]): Promise<Acceptance>;
}

/**
 * With Redis: appended for the worker, unless the backlog is at its bound (then nothing is appended). An event too
 * deep or too large to carry travels as what the guard refused it as; the worker's ingestion dead-letters it.
 */
export class StreamSink implements EventSink {
  constructor(
    private readonly stream: IngestStream,
    private readonly backlogLimit: number,
    private readonly metrics: Metrics,
    private readonly guard: PayloadGuard,
  ) {}

  async accept(events: RawEvent[]): Promise<Acceptance> {
    const backlog = await this.stream.backlog();
    if (backlog >= this.backlogLimit) return { accepted: false, backlog };
    await this.stream.append(
      events.map((event) => {
        const admitted = this.guard.admit(event);
        return admitted instanceof RefusedItem ? admitted : event;
      }),
    );
    this.metrics.streamAppended.inc(events.length);
    return { accepted: true };
  }
}

/**
 * Without Redis (the embedded default): resolved at once, through the same path as the ingestEvents mutation. The
 * endpoint takes no more calls per request than ingestEvents does, so a request is one batch.
 */
export class DirectSink implements EventSink {
  constructor(private readonly ingestion: { ingestEvents(events: RawEvent[]): Promise<IngestResult[]> }) {}

  async accept(events: RawEvent[]): Promise<Acceptance> {
    await this.ingestion.ingestEvents(events);
    return { accepted: true };
  }
}
