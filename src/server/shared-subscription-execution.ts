import { createSourceEventStream, execute, getOperationAST, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Principal } from '../auth/principal';
import { admitClearReads } from '../policy/clear-read-admission';
import type { AppContext } from './context';

/**
 * graphql-ws's `subscribe`, executing each event once for all subscribers that would get the same result.
 *
 * graphql-js executes a subscription's selection per event and per subscriber; with a thousand subscribers of one
 * segment, a change is executed a thousand times. Subscribers with the same operation text, variables and
 * principal shape (scopes, purpose, region: all that policy and masking read) get the same result for the same
 * event object, so the first execution is shared. Not when it read PII in clear: each such read is audited per
 * reader, so every subscriber then executes (and is audited) on its own.
 */
export function sharedSubscribe() {
  const results = new WeakMap<object, Map<number, Promise<ExecutionResult | null>>>();

  const executeShared = async (args: ExecutionArgs, key: number, payload: unknown): Promise<ExecutionResult> => {
    const own = () => execute({ ...args, rootValue: payload }) as Promise<ExecutionResult> | ExecutionResult;
    if (typeof payload !== 'object' || payload === null) return own();
    let byKey = results.get(payload);
    if (!byKey) results.set(payload, (byKey = new Map()));
    const shared = byKey.get(key);
    if (shared) return (await shared) ?? own();
    const context = args.contextValue as AppContext;
    const first = Promise.resolve(own());
    byKey.set(
      key,
      first.then(
        (result) => (context.piiReads.empty ? result : null),
        () => null,
      ),
    );
    return first;
  };

  return async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    return new SharedResults(stream[Symbol.asyncIterator](), args, shapeOf(args), executeShared);
  };
}

/**
 * An event that would show PII in clear while the audit trail is too far behind is not executed: the subscriber gets
 * the retryable refusal in its place (the subscription stays open), as a query would be refused whole.
 */
function refusedForAuditBacklog(args: ExecutionArgs): ExecutionResult | null {
  const context = args.contextValue as AppContext;
  try {
    admitClearReads(context.principal, args.schema, args.document, context);
    return null;
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    throw error;
  }
}

/** Each event of the source stream, executed (or shared). A class: one lives as long as each idle subscription. */
class SharedResults implements AsyncIterableIterator<ExecutionResult> {
  constructor(
    private readonly source: AsyncIterator<unknown>,
    private readonly args: ExecutionArgs,
    private readonly shape: number,
    private readonly executeShared: (args: ExecutionArgs, shape: number, payload: unknown) => Promise<ExecutionResult>,
  ) {}

  /** Chained rather than async: a subscription waits here for its next event, and a frame would wait with it. */
  next(): Promise<IteratorResult<ExecutionResult>> {
    return this.source.next().then(({ value, done }) => {
      if (done) return { value: undefined, done: true };
      const refused = refusedForAuditBacklog(this.args);
      if (refused) return { value: refused, done: false };
      return this.executeShared(this.args, this.shape, value).then((result) => ({ value: result, done: false }));
    });
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.source.return?.();
    throw error;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}

/**
 * What makes two subscribers' results the same: the same document (identical texts share one, see
 * OperationLimits.check), operation, variables, and what policy reads of the principal.
 */
function shapeOf(args: ExecutionArgs): number {
  const principal = (args.contextValue as AppContext).principal;
  const key = JSON.stringify([documentId(args.document), args.operationName ?? null, declaredVariables(args), policyShape(principal)]);
  // A number per shape, so an idle subscription does not keep its own copy of the key.
  let id = shapeIds.get(key);
  if (id === undefined) {
    if (shapeIds.size >= SHAPES_KEPT) shapeIds.clear(); // ids only ever grow, so a forgotten shape never collides
    shapeIds.set(key, (id = nextShapeId++));
  }
  return id;
}

/**
 * Only the variables the operation declares: those were coerced to their (JSON-free) types before the stream was
 * created. Others arrive as the client sent them, nested as deep as a message allows, and serialising them overflowed
 * the stack.
 */
function declaredVariables(args: ExecutionArgs): unknown[] {
  const operation = getOperationAST(args.document, args.operationName);
  return (operation?.variableDefinitions ?? []).map(({ variable }) => args.variableValues?.[variable.name.value] ?? null);
}

const SHAPES_KEPT = 10_000;
const shapeIds = new Map<string, number>();
let nextShapeId = 0;

const documentIds = new WeakMap<object, number>();
let nextDocumentId = 0;
const documentId = (document: object) => {
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = nextDocumentId++));
  return id;
};

const policyShape = (principal: Principal) => [principal.authenticated, [...principal.scopes].sort(), principal.purpose, principal.region];

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
