import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Config } from '../config/config';
import type { Metrics } from '../observability/metrics';

/** Documents that passed `check`, by query text (the schema never changes under a running server). */
const VALID_DOCUMENTS_KEPT = 500;

export type Transport = 'http' | 'ws';
export type OperationLimit = 'depth' | 'aliases' | 'directives' | 'cost' | 'tokens';

type Settings = Config['limits']['operation'];

// graphql 16 words it "more that"; either wording is accepted, should a release fix it.
const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] \d+ tokens/;
/** The pattern and mask of armor's blockFieldSuggestions, so both transports word a refusal alike. */
const SUGGESTION = /Did you mean ".+"/g;
const SUGGESTION_MASK = '[Suggestion hidden]';

/**
 * The per-operation limits, one definition for both transports: Apollo runs them for HTTP, and graphql-ws, where
 * Apollo's validation never runs, gets the same parse options and rules in `onSubscribe` through `check`.
 * Every refusal happens while parsing or validating, so no resolver runs for a refused document.
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

  /** Counts token refusals, and tags them like the other limits so clients can tell which one they hit. */
  apolloPlugins(): ApolloServerPlugin[] {
    const tokens: ApolloServerPlugin = {
      requestDidStart: async () => ({
        parsingDidStart: async () => async (error) => {
          if (error instanceof GraphQLError && TOKEN_LIMIT_MESSAGE.test(error.message)) {
            // Apollo wraps this error after the hook, copying its extensions: the tag is only possible here.
            Object.assign(error.extensions, { limit: 'tokens' });
            this.metrics.limitRejections.inc({ limit: 'tokens', transport: 'http' });
          }
        },
      }),
    };
    return [tokens, ...this.armored.http.plugins];
  }

  /**
   * Parses and validates a graphql-ws operation exactly as Apollo does for HTTP: the specified rules, the limits,
   * no introspection and no field suggestions in production. Errors carry Apollo's codes.
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
        (error) =>
          new GraphQLError(this.production ? error.message.replace(SUGGESTION, SUGGESTION_MASK) : error.message, {
            nodes: error.nodes,
            extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
          }),
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
      costLimit: { ...common, maxCost: this.settings.maxCost, flattenFragments: true, onReject: [reject('cost')] },
      maxTokens: { enabled: false },
      blockFieldSuggestion: { enabled: this.production },
    }).protect();
  }
}
