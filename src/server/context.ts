import { randomUUID } from 'node:crypto';
import { PiiReadLog } from '../audit/audit-read';
import type { AuditTrail } from '../audit/audit-trail';
import { createCustomerLoaders, type CustomerLoaders } from '../customers/customer.loaders';
import type { ConsentPurposes } from '../kernel/consent-purposes';
import type { ConsentService } from '../consent/consent.service';
import type { CustomerRepository } from '../customers/customer.repository';
import type { DeadLetterRepository } from '../dead-letters/dead-letter.repository';
import type { IdentifierNormalizer } from '../identity/identifier-normalizer';
import type { IngestionService } from '../ingestion/ingestion.service';
import { ANONYMOUS, type Principal } from '../auth/principal';
import type { MembershipFeed } from '../changes/membership-feed';
import type { CustomerExportService } from '../privacy/customer-export.service';
import type { ErasureService } from '../privacy/erasure.service';
import type { SegmentRepository } from '../segments/segment.repository';
import type { SegmentDisclosure } from '../segments/segment-disclosure';
import type { SegmentService } from '../segments/segment.service';

export type AppServices = {
  ingestion: IngestionService;
  deadLetters: DeadLetterRepository;
  customers: CustomerRepository;
  normalizer: IdentifierNormalizer;
  /** Records every PII read; written in batches, flushed by the app's stop(). */
  audit: AuditTrail;
  consent: ConsentService;
  consentPurposes: ConsentPurposes;
  exports: CustomerExportService;
  erasure: ErasureService;
  segments: { service: SegmentService; repository: SegmentRepository; disclosure: SegmentDisclosure };
  /** Segment membership changes with cursors (Redis Stream, or in memory without REDIS_URL). */
  feed: MembershipFeed;
};

export type AppContext = {
  requestId: string;
  /** Who is asking: verified once per HTTP request or WebSocket connection. */
  principal: Principal;
  services: AppServices;
  loaders: CustomerLoaders;
  /** Clear PII reads of this request (or subscription event), recorded in the audit trail when it completes. */
  piiReads: PiiReadLog;
  /**
   * A subscription lives across many events: each event starts with empty loaders, so none reads stale data, and
   * is audited as a read of its own.
   */
  renewLoaders(): void;
};

/** One context per HTTP request and per WebSocket operation: fresh loaders, so no cache outlives it. */
export function createContext(services: AppServices, principal: Principal = ANONYMOUS, requestId: string = randomUUID()): AppContext {
  // Loaders are made on first use: an idle subscription holds none, and an event whose selection reads no profile
  // (most membership changes) makes none; renewLoaders only drops them.
  let loaders: CustomerLoaders | null = null;
  return {
    requestId,
    principal,
    services,
    get loaders() {
      return (loaders ??= createCustomerLoaders(services.customers));
    },
    piiReads: new PiiReadLog(services.audit),
    renewLoaders() {
      loaders = null;
    },
  };
}
