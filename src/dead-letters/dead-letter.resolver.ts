import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Pseudonymous } from '../kernel/classification';
import { IdentityEventInput } from '../ingestion/identity-event.input';
import { IngestResult } from '../ingestion/ingest-result.type';
import { writerOf } from '../ingestion/ingest-writer';
import { SourceRecordInput } from '../ingestion/source-record.input';
import type { PrincipalContext } from '../auth/principal';
import type { IngestionService } from '../ingestion/ingestion.service';
import type { PayloadGuard } from '../ingestion/payload-guard';
import { decodeCursor, pageSize, toConnection, type Connection } from '../shared/connection';
import { AppError, BadUserInputError, NotFoundError } from '../shared/errors';
import type { DeadLetter } from './dead-letter';
import type { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterConnection, DeadLetterStatusEnum, DeadLetterType } from './dead-letter.type';

type PresentedLetter = Omit<DeadLetter, 'payload'> & { payload: unknown };

@Resolver(() => DeadLetterType)
export class DeadLetterResolver {
  constructor(
    private readonly repository: DeadLetterRepository,
    private readonly ingestion: Pick<IngestionService, 'resubmit'>,
    private readonly guard: Pick<PayloadGuard, 'shown'>,
  ) {}

  private present(letter: DeadLetter): PresentedLetter {
    return { ...letter, payload: this.guard.shown(JSON.parse(letter.payload)) };
  }

  @Pseudonymous()
  @Query(() => DeadLetterConnection, { description: 'Rejected events and records, oldest first.' })
  async deadLetters(
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('status', () => DeadLetterStatusEnum, { nullable: true }) status?: DeadLetterStatusEnum | null,
    @Arg('source', () => String, { nullable: true }) source?: string | null,
  ): Promise<Connection<PresentedLetter>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after, 1);
    const rows = await this.repository.page({
      limit: size + 1,
      after: cursor?.[0] ?? null,
      status: status ?? null,
      source: source?.toLowerCase() ?? null,
    });
    return toConnection(rows.map((row) => this.present(row)), size, (l) => [l.sortKey]);
  }

  @Pseudonymous()
  @Mutation(() => IngestResult, {
    description: 'Runs a dead letter again, as stored or corrected (pass event or record, matching its kind).',
  })
  async resubmitDeadLetter(
    @Arg('id', () => ID) id: string,
    @Ctx() { principal }: PrincipalContext,
    @Arg('event', () => IdentityEventInput, { nullable: true }) event?: IdentityEventInput | null,
    @Arg('record', () => SourceRecordInput, { nullable: true }) record?: SourceRecordInput | null,
  ): Promise<IngestResult> {
    const letter = await this.repository.byId(id);
    if (!letter) throw new NotFoundError(`No dead letter ${id}`);
    if (letter.status === 'RESOLVED') throw new AppError('CONFLICT', `Dead letter ${id} was already resubmitted successfully`);
    if ((event && letter.kind !== 'EVENT') || (record && letter.kind !== 'RECORD') || (event && record)) {
      throw new BadUserInputError(`Dead letter ${id} holds a ${letter.kind}; pass only ${letter.kind === 'EVENT' ? 'event' : 'record'}`);
    }
    const payload = event ?? record ?? JSON.parse(letter.payload);
    return (await this.ingestion.resubmit(letter.kind, id, payload, writerOf(principal))) as IngestResult;
  }
}
