/** INGEST_MAX_BATCH, one rule for every way in: ingestEvents, upsertSourceRecords and the Segment-spec /v1/batch. */
export class BatchLimit {
  constructor(readonly max: number) {}

  /** Why a batch of `count` items is refused as a whole, or null when it may go on. */
  refusal(count: number): string | null {
    return count > this.max ? `At most ${this.max} items per call; got ${count}. Split the batch.` : null;
  }
}
