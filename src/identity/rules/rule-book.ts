import type { Database } from '../../infra/neo4j/database';
import type { IdentifierTypes } from '../../kernel/identifier-types';
import type { IdentifierNormalizer } from '../identifier-normalizer';
import type { IdentityRules } from '../identity-rules';
import type { MatchModel } from '../matching/match-model';
import type { StoredModel } from '../matching/model-store';
import { BadUserInputError } from '../../shared/errors';
import { blockedMatchers, changedDocument, documentHash, identityRulesOf, type MatchRulesChange, type MatchRulesDocument } from './match-rules';
import type { RuleSetsRepository } from './rule-sets.repository';

/** A version of the rules as resolution applies it. */
export type AppliedRules = {
  version: number;
  document: MatchRulesDocument;
  rules: IdentityRules;
  /** Values an identifier is dropped for (the document's patterns and the built-in placeholders). */
  blocked: RegExp[];
};

type ModelSource = {
  /** The newest saved model (cached, refreshed on its own schedule). */
  newest: () => Promise<StoredModel | null>;
  byVersions: (versions: number[]) => Promise<Map<number, MatchModel>>;
};

/**
 * The match rules in force, as this instance knows them: the version the graph names, read again every
 * `refreshMs` (0: only at start and after this instance's own activations), so a version activated anywhere
 * reaches every instance. The configuration is asserted at start: when it differs from what it asserted last, its
 * rules are put in force; otherwise the version in force stays (one activated through the API since).
 */
export class RuleBook {
  private applied!: AppliedRules;
  private pinned = new Map<number, MatchModel>();

  private constructor(
    /** False: this instance keeps the configured version, whatever is in force (tests sharing a database). */
    private readonly shared: boolean,
    private readonly db: Database,
    private readonly repository: RuleSetsRepository,
    private readonly types: IdentifierTypes,
    private readonly normalizer: IdentifierNormalizer,
    private readonly models: ModelSource,
  ) {}

  static async start(
    deps: { db: Database; repository: RuleSetsRepository; types: IdentifierTypes; normalizer: IdentifierNormalizer; models: ModelSource },
    configured: MatchRulesDocument,
    { shared }: { shared: boolean } = { shared: true },
  ): Promise<RuleBook> {
    const book = new RuleBook(shared, deps.db, deps.repository, deps.types, deps.normalizer, deps.models);
    if (!shared) {
      const { version } = await deps.db.write((tx) => deps.repository.save(tx, configured, 'CONFIGURATION', null, 'configured by an instance that keeps its own rules'));
      book.applied = book.apply(version, configured);
      deps.normalizer.useBlocked(configured.blockedPatterns);
      return book;
    }
    await deps.db.write(async (tx) => {
      const { version, configuredHash } = await deps.repository.lockInForce(tx);
      if (version !== null && configuredHash === documentHash(configured)) return;
      const { version: configuredVersion } = await deps.repository.save(tx, configured, 'CONFIGURATION', null, 'asserted by the configuration at start', true);
      await deps.repository.putInForce(tx, configuredVersion);
      await deps.repository.supersedeActivations(tx);
    });
    await book.refresh();
    return book;
  }

  get current(): AppliedRules {
    return this.applied;
  }

  /** Reads the version in force; a new one replaces the rules this instance resolves with. */
  async refresh(): Promise<void> {
    if (!this.shared) return;
    const inForce = await this.repository.inForce({ rows: (query, params) => this.db.read(query, params) });
    if (!inForce || inForce.version === this.applied?.version) return;
    this.applied = this.apply(inForce.version, inForce.document);
    this.normalizer.useBlocked(inForce.document.blockedPatterns);
  }

  apply(version: number, document: MatchRulesDocument): AppliedRules {
    return { version, document, rules: identityRulesOf(document, this.types), blocked: blockedMatchers(document) };
  }

  /**
   * The rules in force with `change` made to them, checked (BAD_USER_INPUT naming each problem): what a proposal
   * stores and a preview replays under. Its version is that of the rules it changes until it is saved.
   */
  async changed(change: MatchRulesChange, base: AppliedRules = this.applied): Promise<AppliedRules> {
    const pinned = change.modelVersion ?? null;
    const exists = pinned === null || (await this.modelExists(pinned));
    const { document, problems } = changedDocument(base.document, change, this.types, () => exists);
    if (problems.length > 0) {
      throw new BadUserInputError(problems.map((p) => `${p.argument}: ${p.message}`).join('; '), { argument: problems[0].argument, reason: problems[0].reason, problems });
    }
    return this.apply(base.version, document);
  }

  /** The model resolution scores with under the rules in force: pinned or the newest, with their thresholds. */
  async model(document: MatchRulesDocument = this.applied.document): Promise<StoredModel | null> {
    const stored = document.model.version === null ? await this.models.newest() : await this.pinnedModel(document.model.version);
    if (!stored) return null;
    return document.model.thresholds ? { version: stored.version, model: { ...stored.model, thresholds: document.model.thresholds } } : stored;
  }

  async modelExists(version: number): Promise<boolean> {
    return (await this.models.byVersions([version])).has(version);
  }

  private async pinnedModel(version: number): Promise<StoredModel | null> {
    if (!this.pinned.has(version)) {
      const model = (await this.models.byVersions([version])).get(version);
      if (!model) return null;
      this.pinned.set(version, model);
    }
    return { version, model: this.pinned.get(version)! };
  }
}
