import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Principal } from '../auth/principal';
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
  const results = new WeakMap<object, Map<string, Promise<ExecutionResult | null>>>();

  const executeShared = async (args: ExecutionArgs, key: string, payload: unknown): Promise<ExecutionResult> => {
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
    const key = shapeOf(args);
    const source = stream[Symbol.asyncIterator]();
    const mapped: AsyncIterableIterator<ExecutionResult> = {
      async next() {
        const { value, done } = await source.next();
        if (done) return { value: undefined, done: true };
        return { value: await executeShared(args, key, value), done: false };
      },
      async return() {
        await source.return?.();
        return { value: undefined, done: true };
      },
      async throw(error: unknown) {
        await source.return?.();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return mapped;
      },
    };
    return mapped;
  };
}

/**
 * What makes two subscribers' results the same: the same document (identical texts share one, see
 * OperationLimits.check), operation, variables, and what policy reads of the principal.
 */
function shapeOf(args: ExecutionArgs): string {
  const principal = (args.contextValue as AppContext).principal;
  return JSON.stringify([documentId(args.document), args.operationName ?? null, args.variableValues ?? null, policyShape(principal)]);
}

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
