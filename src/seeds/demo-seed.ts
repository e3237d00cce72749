import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../infra/project-root';
import type { CustomerRepository } from '../customers/customer.repository';
import type { RawEvent } from '../ingestion/event-normalizer';
import type { IngestionService, IngestResult } from '../ingestion/ingestion.service';
import type { RawSourceRecord } from '../ingestion/record-normalizer';
import type { Logger } from '../observability/logger';

export const demoDir = path.join(projectRoot, 'seeds', 'demo');
const BATCH = 500;

type Tally = Record<IngestResult['outcome'], number>;

/**
 * Loads the demo data set through the same ingestion path as the API. Safe to repeat: every event has a
 * messageId and every record an updatedAt, so a second load reports DUPLICATE and changes nothing.
 */
export async function seedDemo(ingestion: IngestionService, logger: Logger): Promise<Tally> {
  const records = JSON.parse(readFileSync(path.join(demoDir, 'records.json'), 'utf8')) as RawSourceRecord[];
  const events = JSON.parse(readFileSync(path.join(demoDir, 'events.json'), 'utf8')) as RawEvent[];
  const tally: Tally = { CREATED: 0, LINKED: 0, MERGED: 0, DUPLICATE: 0, DETACHED: 0, REJECTED: 0, SUPPRESSED: 0 };
  const total = records.length + events.length;
  let done = 0;
  const load = async <T>(items: T[], ingest: (batch: T[]) => Promise<IngestResult[]>) => {
    for (let start = 0; start < items.length; start += BATCH) {
      for (const result of await ingest(items.slice(start, start + BATCH))) tally[result.outcome]++;
      done += Math.min(BATCH, items.length - start);
      logger.info({ progress: `${done}/${total}` }, `seeding demo data: ${Math.round((100 * done) / total)}%`);
    }
  };
  await load(records, (batch) => ingestion.upsertSourceRecords(batch));
  await load(events, (batch) => ingestion.ingestEvents(batch));
  logger.info({ ...tally }, 'demo data loaded');
  return tally;
}

export async function seedDemoIfEmpty(ingestion: IngestionService, customers: CustomerRepository, logger: Logger): Promise<void> {
  if (!(await customers.isEmpty())) {
    logger.info('database already holds customers: demo data not loaded');
    return;
  }
  await seedDemo(ingestion, logger);
}
