import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import type { PrincipalContext } from '../auth/principal';
import { IdentityEventInput } from './identity-event.input';
import { IngestPayload } from './ingest-result.type';
import type { IngestionService, IngestResult } from './ingestion.service';
import { writerOf } from './ingest-writer';
import { SourceRecordInput } from './source-record.input';

const summarize = (results: IngestResult[]): IngestPayload => {
  const count = (outcome: IngestResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return {
    results: results as IngestPayload['results'],
    created: count('CREATED'),
    linked: count('LINKED'),
    merged: count('MERGED'),
    duplicate: count('DUPLICATE'),
    rejected: count('REJECTED'),
    suppressed: count('SUPPRESSED'),
  };
};

@Resolver()
export class IngestionResolver {
  constructor(private readonly ingestion: IngestionService) {}

  @Pseudonymous()
  @Mutation(() => IngestPayload, {
    description:
      'Resolves up to INGEST_MAX_BATCH (1,000) events in one transaction; each gets its own result. An event nested deeper than INGEST_MAX_ITEM_DEPTH (32) or larger than INGEST_MAX_ITEM_BYTES (32 KiB) is refused alone.',
  })
  async ingestEvents(
    @Arg('events', () => [IdentityEventInput]) events: IdentityEventInput[],
    @Ctx() { principal }: PrincipalContext,
  ): Promise<IngestPayload> {
    return summarize(await this.ingestion.ingestEvents(events, writerOf(principal)));
  }

  @Pseudonymous()
  @Mutation(() => IngestPayload, { description: 'Resolves CRM, support or shop records through the same path as events.' })
  async upsertSourceRecords(
    @Arg('records', () => [SourceRecordInput]) records: SourceRecordInput[],
    @Ctx() { principal }: PrincipalContext,
  ): Promise<IngestPayload> {
    return summarize(await this.ingestion.upsertSourceRecords(records, writerOf(principal)));
  }
}
