import type { GraphQLSchema } from 'graphql';
import type { ContainerType } from 'type-graphql';

type Constructor<T> = abstract new (...args: never[]) => T;

/**
 * The resolver instances the modules built, handed to type-graphql's `buildSchema({ container })`: a resolver gets
 * its services through its constructor, so the GraphQL context carries only what belongs to one request.
 */
export class ResolverContainer implements ContainerType {
  private readonly instances = new Map<Function, object>();

  constructor(resolvers: Iterable<object>) {
    for (const resolver of resolvers) this.instances.set(resolver.constructor, resolver);
  }

  /** A resolver class no module built fails the start, not the first request that reaches it. */
  assertCovers(resolverClasses: Iterable<Function>): void {
    const missing = [...resolverClasses].filter((resolverClass) => !this.instances.has(resolverClass)).map((c) => c.name);
    if (missing.length > 0) throw new Error(`no module built ${missing.join(', ')}: add each to the resolvers its module returns`);
  }

  get<T>(resolverClass: Constructor<T>): T {
    const instance = this.instances.get(resolverClass);
    if (!instance) throw new Error(`no module built a ${resolverClass.name}: add it to the resolvers its module returns`);
    return instance as T;
  }
}

const containers = new WeakMap<GraphQLSchema, ResolverContainer>();

/** Marks the finished schema with the container that built it (see `resolverOf`). */
export function attachResolvers(schema: GraphQLSchema, container: ResolverContainer): GraphQLSchema {
  containers.set(schema, container);
  return schema;
}

/**
 * A resolver instance from a `subscribe` option, which type-graphql calls without one (it gets only the schema,
 * through `info`).
 */
export function resolverOf<T>(schema: GraphQLSchema, resolverClass: Constructor<T>): T {
  const container = containers.get(schema);
  if (!container) throw new Error('this schema was built without resolver instances (buildAppSchema without a container)');
  return container.get(resolverClass);
}
