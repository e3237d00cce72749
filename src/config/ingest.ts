import { z } from 'zod';
import { section, variable } from './declare';
import { intBetween } from './values';

export const ingest = section('Ingestion', 'Bounds of what one ingestion call and one ingested item may hold, for GraphQL and `/v1` alike.', {
  maxBatch: variable(
    'INGEST_MAX_BATCH',
    intBetween(1, 10000).default(1000),
    'most items per `ingestEvents` / `upsertSourceRecords` call and per `/v1/batch` request',
  ),
  // Per item, wherever it comes in. Segment's own API takes 32 KB a call; its payloads nest a handful of levels.
  // The cap on depth keeps serialising an item (recursive in V8, overflowing near 5,000 levels) far from the stack limit.
  maxItemDepth: variable(
    'INGEST_MAX_ITEM_DEPTH',
    intBetween(2, 256).default(32),
    'nesting levels of one ingested item (the item itself is level 1); a deeper item alone is refused (`PAYLOAD_TOO_DEEP`)',
  ),
  maxItemBytes: variable(
    'INGEST_MAX_ITEM_BYTES',
    intBetween(1024, 16 * 1024 * 1024).default(32 * 1024),
    'UTF-8 bytes of one ingested item as JSON; a larger item alone is refused (`PAYLOAD_TOO_LARGE`)',
  ),
});

export type IngestSettings = z.infer<typeof ingest.schema>;
