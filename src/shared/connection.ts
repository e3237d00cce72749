import { Field, ObjectType, type ClassType } from 'type-graphql';
import { Pseudonymous, Public } from '../kernel/classification';
import { BadUserInputError } from './errors';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Public()
  @Field()
  hasNextPage!: boolean;

  @Public()
  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export type Edge<T> = { cursor: string; node: T };
export type Connection<T> = { edges: Edge<T>[]; pageInfo: PageInfo; totalCount?: number };

/** Builds a Relay connection type for `node`; one call per node type, named `${Name}Connection`. */
export function ConnectionType<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Pseudonymous()
    @Field()
    cursor!: string;

    @Pseudonymous()
    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Public()
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Public()
    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

export const MAX_PAGE_SIZE = 1000;

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
  }
  return size;
}

/** Cursors are opaque to clients: base64url of the sort key. */
export const encodeCursor = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

export function decodeCursor(cursor: string | null | undefined, arity: number): string[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === 'string')) return parts;
  } catch {
    // falls through to the error below
  }
  throw new BadUserInputError('after is not a cursor returned by this API', { argument: 'after' });
}

/** Fetch one more than asked to learn whether there is a next page. */
export function toConnection<T>(rows: T[], size: number, cursorOf: (row: T) => string[]): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(cursorOf(node)) }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
