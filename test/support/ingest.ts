import type { App } from '../../src/app';
import type { Principal } from '../../src/auth/principal';
import { ADMIN, gql } from './test-app';

/** Everything an IngestPayload has; a test that compares whole results selects only what it compares. */
export const INGEST_PAYLOAD = `
  created linked merged duplicate rejected suppressed
  results {
    index messageId customerId outcome deadLetterId
    error { code message }
    conflicts { identifierType reason limit otherCustomerId }
    droppedIdentifiers { type reason }
  }
`;

export const ingestEventsMutation = (selection = INGEST_PAYLOAD) =>
  `mutation IngestEvents($events: [IdentityEventInput!]!) { ingestEvents(events: $events) { ${selection} } }`;
export const upsertSourceRecordsMutation = (selection = INGEST_PAYLOAD) =>
  `mutation UpsertSourceRecords($records: [SourceRecordInput!]!) { upsertSourceRecords(records: $records) { ${selection} } }`;

export const INGEST_EVENTS = ingestEventsMutation();
export const UPSERT_SOURCE_RECORDS = upsertSourceRecordsMutation();

export type IngestResult = {
  index: number;
  messageId: string | null;
  /** Null for a REJECTED or SUPPRESSED item: typed for what tests go on with, as `error` for what they check refused. */
  customerId: string;
  outcome: 'CREATED' | 'LINKED' | 'MERGED' | 'DUPLICATE' | 'REJECTED' | 'SUPPRESSED';
  deadLetterId: string | null;
  /** Null unless REJECTED. */
  error: { code: string; message: string };
  conflicts: { identifierType: string; reason: string; limit: number; otherCustomerId: string | null }[];
  droppedIdentifiers: { type: string; reason: string }[];
};
export type IngestPayload = {
  created: number;
  linked: number;
  merged: number;
  duplicate: number;
  rejected: number;
  suppressed: number;
  results: IngestResult[];
};

type Options = { principal?: Principal; select?: string };
/** What the builders make, or an item written out to be malformed. */
type Item = Record<string, unknown>;

/** ingestEvents in-process, failing on GraphQL errors; `select` narrows the payload for tests comparing it whole. */
export async function ingestEvents(app: App, events: readonly Item[], { principal = ADMIN, select }: Options = {}): Promise<IngestPayload> {
  return (await gql<{ ingestEvents: IngestPayload }>(app, ingestEventsMutation(select), { events }, principal)).ingestEvents;
}

/** upsertSourceRecords in-process, failing on GraphQL errors. */
export async function upsertSourceRecords(app: App, records: readonly Item[], { principal = ADMIN, select }: Options = {}): Promise<IngestPayload> {
  return (await gql<{ upsertSourceRecords: IngestPayload }>(app, upsertSourceRecordsMutation(select), { records }, principal)).upsertSourceRecords;
}
