import { randomUUID } from 'node:crypto';
import type { PiiReadLog, PiiReadsContext } from '../audit/audit-read';
import { ANONYMOUS, type Principal, type PrincipalContext } from '../auth/principal';
import type { CustomerLoaders, LoadersContext } from '../customers/customer.loaders';

/**
 * Who asks, this request's loaders and its clear PII reads: nothing that outlives a request. Services reach the
 * resolvers through their constructors (each module builds its resolvers); a resolver names only the part of the
 * context it reads (`PrincipalContext`, `LoadersContext`, `PiiReadsContext`), so no domain imports this file.
 */
export type AppContext = PrincipalContext & LoadersContext & PiiReadsContext;

/** What the modules give each request: customers its loaders, audit the log of its clear PII reads. */
export type RequestScope = {
  loaders(): CustomerLoaders;
  piiReads(): PiiReadLog;
};

/** One context per HTTP request and per WebSocket operation: fresh loaders, so no cache outlives it. */
export function createContext(scope: RequestScope, principal: Principal = ANONYMOUS, requestId: string = newRequestId()): AppContext {
  return new OperationContext(scope, principal, requestId);
}

/**
 * randomUUID builds its text by concatenation: a tree of pieces (about 490 bytes) until something reads it as a
 * whole. Read once here (which makes V8 flatten it, to about 70 bytes), since a subscription keeps its id while open.
 */
function newRequestId(): string {
  const id = randomUUID();
  id.charCodeAt(0);
  return id;
}

/**
 * A class, not an object literal with closures: a subscription keeps its context as long as it is open, and
 * methods on the prototype cost an idle subscription nothing.
 */
class OperationContext implements AppContext {
  readonly piiReads: PiiReadLog;
  // Loaders are made on first use: an idle subscription holds none, and an event whose selection reads no profile
  // (most membership changes) makes none; renewLoaders only drops them.
  private made: CustomerLoaders | null = null;

  constructor(
    private readonly scope: RequestScope,
    readonly principal: Principal,
    readonly requestId: string,
  ) {
    this.piiReads = scope.piiReads();
  }

  get loaders(): CustomerLoaders {
    return (this.made ??= this.scope.loaders());
  }

  renewLoaders(): void {
    this.made = null;
  }
}
