import { v7 as uuidv7 } from 'uuid';
import type { CypherRegistry } from '../infra/neo4j/cypher-registry';
import type { Database, Reader, Tx } from '../infra/neo4j/database';
import { BadUserInputError, NotFoundError } from '../shared/errors';
import { decodeEvidence } from './evidence';
import { replayEvidence, type LoggedEvidence, type Replay, type ReplayedCustomer } from './evidence-replay';
import type { AppliedRules } from './rules/rule-book';
import type { MatchModel } from './matching/match-model';
import type { StoredModel } from './matching/model-store';
import { PROFILE_ATTRIBUTES, type Candidates } from './profile-attributes';
import { decodeCandidates } from './stored-candidates';


/** Past this many profiles a component is refused: its replay would hold a request for too long. */
export const MAX_COMPONENT_PROFILES = 2_000;

type StoredCustomer = { id: string; keys: string[]; candidates: Candidates; golden: Record<string, string | null> };

export type RebuiltCustomer = ReplayedCustomer & {
  /** The stored customer holding exactly the same identifier and record keys, if there is one. */
  storedCustomerId: string | null;
  /** Same keys, candidates and golden values as that stored customer. */
  identical: boolean;
};

export type ComponentRebuild = {
  customerId: string;
  /** Every stored profile of the component: merged with the customer, in conflict with it, or sharing a device. */
  profiles: string[];
  /** Items of the component applied before the evidence log started: with any, the rebuild is not exact. */
  unloggedItems: number;
  evidenceItems: number;
  merges: number;
  customers: RebuiltCustomer[];
  /** Stored active customers no rebuilt customer matches. */
  unmatchedStored: string[];
};

/**
 * Rebuilds a customer's connected component from the evidence log: replays every item that landed on its profiles
 * under the rules in force (a rebuild: the same customers as stored) or others (a re-resolution preview), and says
 * how the outcome compares with what is stored. Reads only: it changes nothing.
 */
export class CustomerRebuild {
  private readonly q;

  constructor(
    private readonly db: Database,
    registry: CypherRegistry,
    /** The rules in force. */
    private readonly rules: () => AppliedRules,
    private readonly sourcePriority: string[],
    /** The match models by version: a replay scores each batch with the one it was resolved with. */
    private readonly models: (versions: number[]) => Promise<Map<number, MatchModel>>,
    /** The model a rule set scores with, when probabilistic matching is on (MATCH_MODE=SYNC). */
    private readonly matchModel?: (rules: AppliedRules) => Promise<StoredModel | null>,
  ) {
    this.q = registry.bind({
      links: 'identity/component-links',
      evidence: 'identity/component-evidence',
      customers: 'identity/component-customers',
      exists: 'identity/customer-exists',
    });
  }

  async rebuild(customerId: string, rules: AppliedRules = this.rules()): Promise<ComponentRebuild> {
    const reader = this.reader();
    const profiles = await this.component(reader, customerId);
    const { unlogged, logged } = await this.evidence(reader, profiles);
    const replay = await this.replay(logged, rules);
    const stored = (await this.db.read<{ id: string; keys: string[]; candidates: string | null; golden: (string | null)[] }>(this.q.customers, {
      ids: profiles,
      attributes: PROFILE_ATTRIBUTES,
    })).filter(holdsAnything).map((row): StoredCustomer => ({
      id: row.id,
      keys: [...row.keys].sort(),
      candidates: decodeCandidates(row.candidates),
      golden: Object.fromEntries(PROFILE_ATTRIBUTES.map((a, i) => [a, row.golden[i] ?? null])),
    }));
    const byKeys = new Map(stored.filter((c) => c.keys.length > 0).map((c) => [c.keys.join('\n'), c]));
    const matched = new Set<string>();
    const customers = replay.customers.map((customer): RebuiltCustomer => {
      const twin = customer.keys.length > 0 ? byKeys.get(customer.keys.join('\n')) : undefined;
      if (twin) matched.add(twin.id);
      return { ...customer, storedCustomerId: twin?.id ?? null, identical: twin !== undefined && sameProfile(customer, twin) };
    });
    return {
      customerId,
      profiles,
      unloggedItems: unlogged,
      evidenceItems: logged.length,
      merges: replay.merges,
      customers,
      unmatchedStored: stored.filter((c) => !matched.has(c.id)).map((c) => c.id),
    };
  }

  /**
   * Replays logged evidence under the rules given (those in force by default). A model the rules pin scores every
   * batch; otherwise each batch is scored with the model it was resolved with (none before a model existed), and
   * evidence logged before versions were kept with the newest. Thresholds the rules set replace the model's.
   * Identifiers the rules block are left out, as ingestion would have dropped them.
   */
  async replay(logged: LoggedEvidence[], under: AppliedRules = this.rules()): Promise<Replay> {
    const current = (await this.matchModel?.(under)) ?? null;
    const { version: pinned, thresholds } = under.document.model;
    const models = pinned !== null || !current ? new Map<number, MatchModel>() : await this.models([...new Set(logged.flatMap((e) => (e.modelVersion ? [e.modelVersion] : [])))]);
    const matchingFor = (version: number | undefined) => {
      if (!current) return null;
      if (pinned !== null || version === undefined) return { model: current.model };
      const model = version === 0 ? undefined : models.get(version);
      return model ? { model: thresholds ? { ...model, thresholds } : model } : null;
    };
    return replayEvidence(withoutBlocked(logged, under.blocked), under.rules, this.sourcePriority, () => uuidv7(), matchingFor);
  }

  /**
   * Whether a replay gives exactly the stored active customers of these profiles, by the identifiers and records
   * they hold: what a re-resolution checks before writing, so that it changes only what it was asked to.
   */
  async reproduces(reader: Reader, profiles: string[], replay: Replay): Promise<boolean> {
    const stored = (await reader.rows<{ keys: string[]; candidates: string | null }>(this.q.customers, { ids: profiles, attributes: PROFILE_ATTRIBUTES })).filter(holdsAnything);
    const canonical = (keys: string[]) => [...keys].sort().join('\n');
    const storedKeys = stored.map((c) => canonical(c.keys)).sort();
    const replayedKeys = replay.customers.map((c) => canonical(c.keys)).sort();
    return storedKeys.length === replayedKeys.length && storedKeys.every((k, i) => k === replayedKeys[i]);
  }

  /** Whether the replay matches probabilistically (matching on, a model in force). */
  async matching(under: AppliedRules = this.rules()): Promise<boolean> {
    return ((await this.matchModel?.(under)) ?? null) !== null;
  }

  /** The evidence of the items that landed on the profiles, and how many of their items left none a replay needs. */
  async evidence(reader: Reader, profiles: string[]): Promise<{ unlogged: number; logged: LoggedEvidence[] }> {
    const [{ unlogged, entries }] = await reader.rows<{
      unlogged: number;
      entries: { key: string; customerId: string; landedOn: string; receivedAtMs: number; evidence: string }[];
    }>(this.q.evidence, { ids: profiles });
    const logged = entries.map((row) => ({
      ...decodeEvidence(row.evidence),
      landedOn: row.landedOn,
      receivedAt: new Date(row.receivedAtMs).toISOString(),
      stored: { key: row.key, customerId: row.customerId },
    }));
    return { unlogged, logged };
  }

  /** Reads outside a transaction, as a Tx would inside one. */
  reader(): Reader {
    return { rows: (query, params) => this.db.read(query, params) };
  }

  /** The customer's profile ids and those linked to them, followed until no new one appears. */
  async component(reader: Reader, customerId: string): Promise<string[]> {
    if ((await reader.rows(this.q.exists, { id: customerId })).length === 0) throw new NotFoundError(`no customer ${customerId}`);
    const known = new Set([customerId]);
    let frontier = [customerId];
    while (frontier.length > 0) {
      const [{ ids }] = await reader.rows<{ ids: string[] }>(this.q.links, { ids: frontier, limit: MAX_COMPONENT_PROFILES + 1 });
      frontier = ids.filter((id) => !known.has(id));
      for (const id of frontier) known.add(id);
      if (known.size > MAX_COMPONENT_PROFILES) {
        throw new BadUserInputError(`the customer's component has more than ${MAX_COMPONENT_PROFILES} profiles; it is too large to rebuild in a request`, {
          reason: 'COMPONENT_TOO_LARGE',
          limit: MAX_COMPONENT_PROFILES,
        });
      }
    }
    return [...known].sort();
  }
}

/** Candidates compared per attribute as sets (their order in storage is not meaningful), then the golden values. */
function sameProfile(rebuilt: ReplayedCustomer, stored: StoredCustomer): boolean {
  const canonical = (candidates: Candidates) =>
    JSON.stringify(
      PROFILE_ATTRIBUTES.map((a) => (candidates[a] ?? []).map((c) => [c.source, c.at, c.ref, c.value].join('\u0000')).sort()),
    );
  if (canonical(rebuilt.candidates) !== canonical(stored.candidates)) return false;
  return PROFILE_ATTRIBUTES.every((a) => (rebuilt.golden.values[a] ?? null) === stored.golden[a]);
}

/**
 * A profile emptied by a re-resolution (every item of it was a deleted record's) holds no identifier, record or
 * attribute: no replay makes it, and it is left out of comparisons with one.
 */
const holdsAnything = (row: { keys: string[]; candidates: string | null }) => row.keys.length > 0 || Object.keys(decodeCandidates(row.candidates)).length > 0;

/** Entries with the identifiers the rules block left out (the same entry when none is). */
function withoutBlocked(logged: LoggedEvidence[], blocked: RegExp[]): LoggedEvidence[] {
  const isBlocked = (value: string) => blocked.some((pattern) => pattern.test(value));
  return logged.map((entry) =>
    entry.item.identifiers.some((i) => isBlocked(i.value)) ? { ...entry, item: { ...entry.item, identifiers: entry.item.identifiers.filter((i) => !isBlocked(i.value)) } } : entry,
  );
}
