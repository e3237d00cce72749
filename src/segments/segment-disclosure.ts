import type { Principal } from '../auth/principal';
import { PROFILE_ATTRIBUTES } from '../identity/profile-attributes';
import { readsInClear, seesPiiInClear } from '../policy/clear-reads';
import type { PolicyCatalog } from '../policy/policy-catalog';
import { ForbiddenError } from '../shared/errors';

/** A segment as its dependency index describes it (`attribute:email`, `segment:<id>`, ...). */
type Reads = { reads: readonly string[] };
/** Live segments by id, in the order asked: null for one not found, an Error for one that could not be read. */
export type SegmentsById = (ids: string[]) => Promise<readonly (Reads | null | Error)[]>;

/** Who defines a segment, and which golden attributes they read as stored. */
export type Author = { subject: string; readsInClear(attribute: string): boolean };

const ATTRIBUTE = 'attribute:';
const SEGMENT = 'segment:';

/**
 * The golden attributes a segment's membership is decided on: those its rules compare and those of every segment
 * it names, all the way down (membership of a segment that names one decided on birthdays tells about birthdays).
 */
export async function attributesDecidingOn(reads: readonly string[], load: SegmentsById): Promise<string[]> {
  const attributes = new Set<string>();
  const seen = new Set<string>();
  let next: readonly string[] = reads;
  while (next.length > 0) {
    const nested: string[] = [];
    for (const key of next) {
      if (key.startsWith(ATTRIBUTE)) attributes.add(key.slice(ATTRIBUTE.length));
      if (key.startsWith(SEGMENT) && !seen.has(key)) {
        seen.add(key);
        nested.push(key.slice(SEGMENT.length));
      }
    }
    const rows = nested.length === 0 ? [] : await load(nested);
    const failed = rows.find((row) => row instanceof Error);
    if (failed) throw failed;
    // Not found: a segment deleted since (one another reads cannot be deleted), deciding nothing any more.
    next = rows.flatMap((row) => (row ? (row as Reads).reads : []));
  }
  return [...attributes].sort();
}

/** Refused: the membership or definition would tell the principal values it is shown masked. */
export class DecidedOnMaskedValues extends ForbiddenError {
  constructor(message: string, attributes: readonly string[], details: Record<string, unknown> = {}) {
    super(message, { reason: 'DECIDED_ON_MASKED_VALUES', attributes, ...details });
  }
}

/**
 * The size counts every member; a token bound to a purpose is shown only those who consent to it, so a small size
 * would tell it about the others (a size of 1 beside an empty member page: someone who refuses its purpose).
 */
const readsEveryMemberInClear = (principal: Principal) => seesPiiInClear(principal) && !principal.purpose;

/**
 * What segments may tell whom. A segment tells its readers, member by member, what its rules compare: a rule on a
 * birthday, an email or a name would give a reader who sees those masked (`1985`, `j***@e***.com`) the values
 * themselves, a day or a guess at a time. So a rule may compare only what its author reads as stored; membership of
 * a segment decided on values a reader sees masked is not shown to that reader; and to readers who cannot read every
 * member in clear, a size below the minimum group size is shown only as "fewer than" it.
 */
export class SegmentDisclosure {
  constructor(readonly minGroupSize: number) {}

  author(principal: Principal, catalog: PolicyCatalog): Author {
    return { subject: principal.subject, readsInClear: (attribute) => readsInClear(principal, catalog, attribute) };
  }

  /**
   * The attributes that decide membership of what `reads` names (a segment's dependency index, or
   * `segment:<id>` for a segment itself) that the principal does not read as stored: [] when it may follow it.
   */
  async hiddenFrom(principal: Principal, catalog: PolicyCatalog, reads: readonly string[], load: SegmentsById): Promise<string[]> {
    if (this.readsEveryAttribute(principal, catalog)) return [];
    return this.hiddenAmong(principal, catalog, await attributesDecidingOn(reads, load));
  }

  /** Whether the principal reads every golden attribute as stored: then no segment is decided on values it sees masked. */
  readsEveryAttribute(principal: Principal, catalog: PolicyCatalog): boolean {
    return PROFILE_ATTRIBUTES.every((attribute) => readsInClear(principal, catalog, attribute));
  }

  /** Of the attributes deciding a segment's membership (attributesDecidingOn), those the principal sees masked. */
  hiddenAmong(principal: Principal, catalog: PolicyCatalog, deciding: readonly string[]): string[] {
    return deciding.filter((attribute) => !readsInClear(principal, catalog, attribute));
  }

  /** Refuses the members of a segment decided on values the principal sees masked. A segment not found decides on nothing. */
  async assertMayFollow(principal: Principal, catalog: PolicyCatalog, segmentId: string, load: SegmentsById): Promise<void> {
    const hidden = await this.hiddenFrom(principal, catalog, [`${SEGMENT}${segmentId}`], load);
    if (hidden.length > 0) {
      throw new DecidedOnMaskedValues(
        `The members of segment ${segmentId} are decided on ${hidden.join(', ')}, which you may not read in clear (pii:read)`,
        hidden,
        { segmentId },
      );
    }
  }

  /**
   * `size` null with `sizeBelow` set says "fewer than sizeBelow" and nothing more: 0 is withheld as well, or an
   * empty segment would still confirm or refute a guess.
   */
  size(principal: Principal, members: number): { size: number | null; sizeBelow: number | null } {
    if (members >= this.minGroupSize || readsEveryMemberInClear(principal)) return { size: members, sizeBelow: null };
    return { size: null, sizeBelow: this.minGroupSize };
  }
}
