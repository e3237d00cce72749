import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  BREAK,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config/config';
import type { Metrics } from '../observability/metrics';

/** Documents that passed `check`, by query text (the schema never changes under a running server). */
const VALID_DOCUMENTS_KEPT = 500;

export type Transport = 'http' | 'ws';
export type OperationLimit = 'depth' | 'aliases' | 'directives' | 'cost' | 'tokens';

type Settings = Config['limits']['operation'];

// graphql 16 words it "more that"; either wording is accepted, should a release fix it.
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;

/**
 * The per-operation limits, one definition for both transports: Apollo runs them for HTTP, and graphql-ws, where
 * Apollo's validation never runs, gets the same parse options and rules in `onSubscribe` through `check`.
 * Every refusal happens before execution, so no resolver runs for a refused operation. Cost is the exception to
 * "while validating": it depends on the variables (`customers(first: $n)`), which validation never sees, so it is
 * measured once the operation and its variables are known (Apollo's didResolveOperation; `vet` on graphql-ws).
 */
export class OperationLimits {
  private readonly armored: Record<Transport, ReturnType<ApolloArmor['protect']>>;

  constructor(
    private readonly settings: Settings,
    private readonly production: boolean,
    private readonly metrics: Metrics,
  ) {
    this.armored = { http: this.armor('http'), ws: this.armor('ws') };
  }

  /** Apollo's own maxTokens: armor's max-tokens plugin throws mid-parse and turns into an HTTP 500. */
  get parseOptions() {
    return { maxTokens: this.settings.maxTokens };
  }

  validationRules(transport: Transport): ValidationRule[] {
    return this.armored[transport].validationRules;
  }

  /** Counts token refusals and tags them like the other limits (so clients can tell which one they hit); prices operations. */
  apolloPlugins(): ApolloServerPlugin[] {
    const limits: ApolloServerPlugin = {
      requestDidStart: async () => ({
        parsingDidStart: async () => async (error) => {
          if (error instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.test(error.message)) {
            // Apollo wraps this error after the hook, copying its extensions: the tag is only possible here.
            Object.assign(error.extensions, { limit: 'tokens' });
            this.metrics.limitRejections.inc({ limit: 'tokens', transport: 'http' });
          }
        },
        didResolveOperation: async ({ schema, document, operation, request }) => {
          if (!operation) return;
          // Variables that do not coerce: execution refuses them (BAD_USER_INPUT) before any resolver. Only a cost
          // that depends on them needs them coerced first; a fixed one was priced once, and execution coerces them
          // anyway (coercing them twice was a profile read's most costly plugin step).
          if (!this.fixedCosts.has(operation) && this.variableErrors(schema, operation, request.variables).length > 0) return;
          const refusal = this.costRefusal(schema, document, operation, request.variables, 'http');
          if (refusal) throw refusal;
        },
      }),
    };
    return [limits, ...this.armored.http.plugins];
  }

  /**
   * What graphql-ws runs after `check`, in the order Apollo does it for HTTP: the variables must coerce to the
   * operation's types (else BAD_USER_INPUT, as execution would answer), then the cost with those values is priced.
   */
  vet(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
  ): GraphQLError[] {
    const invalid = this.variableErrors(schema, operation, variables);
    if (invalid.length > 0) return invalid;
    const refusal = this.costRefusal(schema, document, operation, variables, 'ws');
    return refusal ? [refusal] : [];
  }

  /** graphql-js's own coercion, so both transports refuse exactly what execution would; tagged as Apollo tags them. */
  private variableErrors(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined) {
    const { errors } = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
    return (errors ?? []).map(
      (error) => new GraphQLError(error.message, { nodes: error.nodes, originalError: error, extensions: { code: 'BAD_USER_INPUT' } }),
    );
  }

  /** The operation's cost with the values it runs with, defaults included; a refusal when over the limit. */
  private costRefusal(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
    transport: Transport,
  ): GraphQLError | null {
    const maxCost = this.settings.maxCost;
    const cost = this.fixedCosts.get(operation) ?? this.price(schema, document, operation, variables);
    if (cost <= maxCost) return null;
    this.metrics.limitRejections.inc({ limit: 'cost', transport });
    const found = Number.isFinite(cost) ? `found ${cost}` : `found more than ${MAX_PRICED_FIELDS} fields`;
    return new GraphQLError(`Query Cost limit of ${maxCost} exceeded, ${found}.`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', ...(transport === 'http' ? { http: { status: 400 } } : {}) },
    });
  }

  /**
   * Operations whose cost no variable can change, priced once: a profile read's variables are an identifier, not a
   * page size. Both transports hand back the same document object for the same text (Apollo's document store, `check`).
   */
  private readonly fixedCosts = new WeakMap<OperationDefinitionNode, number>();

  private price(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | null | undefined,
  ): number {
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        operationName: operation.name?.value,
        variables: variables ?? {},
        estimators: [costEstimator],
        maxQueryNodes: MAX_PRICED_FIELDS,
      });
    } catch (error) {
      // Fragments spread into each other multiply fields beyond what tokens bound: past this many, it is over.
      if (!(error instanceof GraphQLError) || !/maximum allowed number of nodes/.test(error.message)) throw error;
      cost = Infinity;
    }
    if (!costDependsOnVariables(document)) this.fixedCosts.set(operation, cost);
    return cost;
  }

  /**
   * Parses and validates a graphql-ws operation exactly as Apollo does for HTTP: the specified rules, the limits,
   * and no introspection in production. Errors carry Apollo's codes; messages are mapped at the edge (formatError).
   */
  check(schema: GraphQLSchema, query: string): { document: DocumentNode } | { errors: GraphQLError[] } {
    // Audience apps open many subscriptions with the same text: one parsed, validated document serves them all.
    const known = this.validDocuments.get(query);
    if (known) return { document: known };
    const checked = this.parseAndValidate(schema, query);
    if ('document' in checked) {
      if (this.validDocuments.size >= VALID_DOCUMENTS_KEPT) this.validDocuments.delete(this.validDocuments.keys().next().value!);
      this.validDocuments.set(query, checked.document);
    }
    return checked;
  }

  private readonly validDocuments = new Map<string, DocumentNode>();

  private parseAndValidate(schema: GraphQLSchema, query: string): { document: DocumentNode } | { errors: GraphQLError[] } {
    let document: DocumentNode;
    try {
      document = parse(query, this.parseOptions);
    } catch (error) {
      const message = (error as Error).message;
      const overLimit = TOKEN_LIMIT_MESSAGE.test(message);
      if (overLimit) this.metrics.limitRejections.inc({ limit: 'tokens', transport: 'ws' });
      return {
        errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED', ...(overLimit ? { limit: 'tokens' } : {}) } })],
      };
    }
    const rules = [...specifiedRules, ...this.validationRules('ws'), ...(this.production ? [NoSchemaIntrospectionCustomRule] : [])];
    const errors = validate(schema, document, rules);
    if (errors.length === 0) return { document };
    return {
      errors: errors.map(
        (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } }),
      ),
    };
  }

  private armor(transport: Transport) {
    const reject =
      (limit: OperationLimit) =>
      (context: ValidationContext | null, error: GraphQLError) => {
        this.metrics.limitRejections.inc({ limit, transport });
        // Armor words every refusal as a syntax error; it is a limit, and says which.
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit } }));
      };
    // Armor's own reporter (propagateOnRejection) would tag the error BAD_USER_INPUT: ours names the limit.
    const common = { exposeLimits: true, propagateOnRejection: false };
    return new ApolloArmor({
      // Fragments are how clients organise queries, not extra work: measured through them, not penalised.
      maxDepth: { ...common, n: this.settings.maxDepth, flattenFragments: true, onReject: [reject('depth')] },
      maxAliases: { ...common, n: this.settings.maxAliases, onReject: [reject('aliases')] },
      maxDirectives: { ...common, n: this.settings.maxDirectives, onReject: [reject('directives')] },
      // Armor's cost rule reads only literal page sizes (issue 10): cost is priced with the variables, above.
      costLimit: { enabled: false },
      maxTokens: { enabled: false },
      // Production hides every schema name in error messages, suggestions included, at the edge (formatError).
      blockFieldSuggestion: { enabled: false },
    }).protect();
  }
}

/** Past this many fields priced (fragments spread into each other), an operation is refused without finishing the sum. */
const MAX_PRICED_FIELDS = 10_000;

/** The arguments that size a connection's page. */
const PAGE_ARGUMENTS = ['first', 'last'];

/**
 * graphql-armor's figures, which the limit was set with: a scalar costs 1, an object 2 plus 1.5 times what it
 * selects, and a connection that much per item of its page. The page is the size the resolver will use: the
 * argument's value with variables substituted, or its default when left out or null (`customers` alone is 20).
 */
const costEstimator: ComplexityEstimator = ({ field, args, node, childComplexity }) => {
  if (field.name === '__schema' || field.name === '__type') return 0; // GraphiQL's introspection in development
  if (!node.selectionSet) return 1;
  return (2 + 1.5 * childComplexity) * pageSize(field, args);
};

/** Variables reach the cost only through page arguments and directives (`@skip(if: $x)`), as `costEstimator` reads them. */
function costDependsOnVariables(document: DocumentNode): boolean {
  let depends = false;
  const usesVariable = (node: ASTNode) => {
    let found = false;
    visit(node, { Variable: () => ((found = true), BREAK) });
    return found;
  };
  visit(document, {
    Argument: (node) => (PAGE_ARGUMENTS.includes(node.name.value) && usesVariable(node.value) ? ((depends = true), BREAK) : undefined),
    Directive: (node) => (usesVariable(node) ? ((depends = true), BREAK) : undefined),
  });
  return depends;
}

function pageSize(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): number {
  let size = 1;
  for (const argument of field.args) {
    if (!PAGE_ARGUMENTS.includes(argument.name)) continue;
    const value = typeof args[argument.name] === 'number' ? args[argument.name] : argument.defaultValue;
    if (typeof value === 'number') size = Math.max(size, value);
  }
  return size;
}
