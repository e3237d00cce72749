import type { RawEvent } from '../ingestion/event-normalizer';
import type { IngestResult } from '../ingestion/ingestion.service';
import type { Metrics } from '../observability/metrics';
import type { IngestStream } from './ingest-stream';

export type Acceptance = { accepted: true } | { accepted: false; backlog: number };

/** Where the Segment-spec endpoint puts what it accepted. */
export interface EventSink {
  accept(events: RawEvent[]): Promise<Acceptance>;
}

/** With Redis: appended for the worker, unless the backlog is at its bound (then nothing is appended). */
export class StreamSink implements EventSink {
  constructor(
    private readonly stream: IngestStream,
    private readonly backlogLimit: number,
    private readonly metrics: Metrics,
  ) {}

  async accept(events: RawEvent[]): Promise<Acceptance> {
    const backlog = await this.stream.backlog();
    if (backlog >= this.backlogLimit) return { accepted: false, backlog };
    await this.stream.append(events);
    this.metrics.streamAppended.inc(events.length);
    return { accepted: true };
  }
}

/** Without Redis (the embedded default): resolved at once, through the same path as the ingestEvents mutation. */
export class DirectSink implements EventSink {
  constructor(
    private readonly ingestion: { ingestEvents(events: RawEvent[]): Promise<IngestResult[]> },
    private readonly maxBatch: number,
  ) {}

  async accept(events: RawEvent[]): Promise<Acceptance> {
    for (let start = 0; start < events.length; start += this.maxBatch) {
      await this.ingestion.ingestEvents(events.slice(start, start + this.maxBatch));
    }
    return { accepted: true };
  }
}
