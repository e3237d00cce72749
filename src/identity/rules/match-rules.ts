import { createHash } from 'node:crypto';
import type { IdentifierTypes } from '../../kernel/identifier-types';
import type { IdentifierType } from '../../kernel/identifier-type';
import { DEFAULT_BLOCKED_PATTERNS } from '../identifier-normalizer';
import type { IdentityRules } from '../identity-rules';
import type { MatchModel } from '../matching/match-model';

export type Thresholds = MatchModel['thresholds'];

/**
 * The whole rule set as one versioned document: what resolution decides with. A proposal changes the first five;
 * `deployment` is what the deployment's configuration fixes (which identifier types exist and how an input becomes
 * one: their fields, case, pattern, the default phone region) and travels with every version unchanged, because
 * evidence keeps identifiers normalised and cannot be normalised again another way.
 */
export type MatchRulesDocument = {
  /** Merge protection: most distinct values of a type one customer may hold (every type listed). */
  limits: Record<IdentifierType, number>;
  /** Order in which an item's identifiers are resolved. */
  priority: IdentifierType[];
  /** A device seen with two known people becomes shared and links no one. */
  shareDevices: boolean;
  /** Case-insensitive patterns of identifier values dropped as BLOCKED, besides the built-in ones. */
  blockedPatterns: string[];
  /** `version` null: the newest model `match:train` saved, each item scored with the model of its time. */
  model: { version: number | null; thresholds: Thresholds | null };
  deployment: { defaultRegion: string; phoneRegionFromItem: true; types: { name: string; fields: readonly string[]; case: string; pattern: string | null; person: boolean }[] };
};

/** What a proposal may change; left out: as in the version it starts from. */
export type MatchRulesChange = {
  limits?: { type: IdentifierType; limit: number }[];
  priority?: IdentifierType[];
  shareDevices?: boolean;
  blockedPatterns?: string[];
  /** null: back to the newest model. */
  modelVersion?: number | null;
  thresholds?: Thresholds | null;
};

export type RuleProblem = { argument: string; message: string; reason: 'UNKNOWN_IDENTIFIER_TYPE' | 'INVALID_RULES' };

/** The document the deployment's configuration gives (IDENTITY_LIMITS, IDENTITY_PRIORITY, IDENTITY_BLOCKED_PATTERNS, ...). */
export function configuredDocument(rules: IdentityRules, settings: { defaultRegion: string; blockedPatterns: string[] }, types: IdentifierTypes): MatchRulesDocument {
  return {
    limits: { ...rules.limits },
    priority: [...rules.priority],
    shareDevices: rules.shareDevices ?? false,
    blockedPatterns: [...settings.blockedPatterns],
    model: { version: null, thresholds: null },
    deployment: {
      defaultRegion: settings.defaultRegion,
      phoneRegionFromItem: true,
      types: types.configured.map((t) => ({ name: t.name, fields: t.fields, case: t.valueCase, pattern: t.pattern?.source ?? null, person: t.person })),
    },
  };
}

/** The rules the planner takes from a document. */
export function identityRulesOf(document: MatchRulesDocument, types: IdentifierTypes): IdentityRules {
  return { limits: { ...document.limits }, priority: [...document.priority], shareDevices: document.shareDevices, personTypes: types.personTypes };
}

/** Every pattern a value is dropped for: the built-in placeholders and the document's own. */
export function blockedMatchers(document: MatchRulesDocument): RegExp[] {
  return [...DEFAULT_BLOCKED_PATTERNS, ...document.blockedPatterns].map((p) => new RegExp(p, 'i'));
}

/** Key order fixed, so that the same rules always hash alike. */
export function canonicalDocument(document: MatchRulesDocument): string {
  const sortedLimits = Object.fromEntries(Object.entries(document.limits).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify({ ...document, limits: sortedLimits });
}

export function documentHash(document: MatchRulesDocument): string {
  return createHash('sha256').update(canonicalDocument(document)).digest('hex');
}

/**
 * `base` changed as asked, or the problems found (each naming its argument): unknown types, limits below 1,
 * a priority that is not every type once, patterns that do not compile, thresholds out of order.
 */
export function changedDocument(
  base: MatchRulesDocument,
  change: MatchRulesChange,
  types: IdentifierTypes,
  modelExists: (version: number) => boolean,
): { document: MatchRulesDocument; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const known = (type: string) => types.has(type);
  const limits = { ...base.limits };
  for (const { type, limit } of change.limits ?? []) {
    if (!known(type)) problems.push({ argument: 'rules.limits', message: `${type} is not an identifier type of this deployment`, reason: 'UNKNOWN_IDENTIFIER_TYPE' });
    else if (!Number.isInteger(limit) || limit < 1) problems.push({ argument: 'rules.limits', message: `the limit of ${type} must be a whole number of at least 1, not ${limit}`, reason: 'INVALID_RULES' });
    else limits[type] = limit;
  }
  let priority = base.priority;
  if (change.priority) {
    const unknown = change.priority.filter((type) => !known(type));
    const twice = change.priority.filter((type, i) => change.priority!.indexOf(type) !== i);
    if (unknown.length > 0) problems.push({ argument: 'rules.priority', message: `not identifier types of this deployment: ${unknown.join(', ')}`, reason: 'UNKNOWN_IDENTIFIER_TYPE' });
    if (twice.length > 0) problems.push({ argument: 'rules.priority', message: `listed twice: ${[...new Set(twice)].join(', ')}`, reason: 'INVALID_RULES' });
    // Types left out keep their order after the ones named, as IDENTITY_PRIORITY does.
    priority = [...change.priority, ...base.priority.filter((type) => !change.priority!.includes(type))];
  }
  const blockedPatterns = change.blockedPatterns ?? base.blockedPatterns;
  blockedPatterns.forEach((pattern, i) => {
    if (pattern.length > 500) problems.push({ argument: `rules.blockedPatterns[${i}]`, message: 'is longer than 500 characters', reason: 'INVALID_RULES' });
    try {
      new RegExp(pattern, 'i');
    } catch (error) {
      problems.push({ argument: `rules.blockedPatterns[${i}]`, message: `is not a regular expression: ${(error as Error).message}`, reason: 'INVALID_RULES' });
    }
  });
  if (blockedPatterns.length > 100) problems.push({ argument: 'rules.blockedPatterns', message: 'at most 100 patterns', reason: 'INVALID_RULES' });
  const model = { ...base.model };
  if (change.modelVersion !== undefined) {
    if (change.modelVersion !== null && !modelExists(change.modelVersion)) problems.push({ argument: 'rules.modelVersion', message: `no match model ${change.modelVersion} (matchModel shows the newest)`, reason: 'INVALID_RULES' });
    model.version = change.modelVersion;
  }
  if (change.thresholds !== undefined) {
    const t = change.thresholds;
    if (t !== null && !(t.review > 0 && t.review <= t.merge && t.merge < 1)) {
      problems.push({ argument: 'rules.mergeThreshold', message: `thresholds must be probabilities with 0 < review <= merge < 1, not review ${t.review} and merge ${t.merge}`, reason: 'INVALID_RULES' });
    }
    model.thresholds = t;
  }
  return {
    document: { ...base, limits, priority, shareDevices: change.shareDevices ?? base.shareDevices, blockedPatterns: [...blockedPatterns], model },
    problems,
  };
}
