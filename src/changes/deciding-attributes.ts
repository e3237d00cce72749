import DataLoader from 'dataloader';
import type { FeedEntry } from '../kernel/membership-change';
import { attributesDecidingOn } from '../segments/segment-disclosure';
import type { SegmentRepository } from '../segments/segment.repository';
import type { MembershipFeed } from './membership-feed';

/**
 * The golden attributes that decide the segment of each live feed entry, read once per entry for every subscriber
 * it reaches on this instance (the feed hands each of them the same entry object). They describe the segment's
 * definition, the same whoever asks: not an answer to anyone. Whether a subscriber hears the entry is still decided
 * for each, from its own principal (SegmentDisclosure.hiddenAmong). Read per subscriber, a change of a segment
 * followed by a thousand masked subscribers cost a thousand reads of it.
 */
export class DecidingAttributes {
  private readonly ofEntry = new WeakMap<FeedEntry, Promise<string[]>>();
  /**
   * The entries the feed handed out together (one read of the stream) with each of them. A subscriber asks for one
   * entry at a time, the next only once it is done with the one before: asked for the first, the segments of all
   * are read in one query, not one query per entry.
   */
  private readonly deliveredWith = new WeakMap<FeedEntry, FeedEntry[]>();
  private delivering: FeedEntry[] | null = null;
  /** Entries of one feed read arrive together: their segments are read in one query. Nothing is kept between reads. */
  private readonly segments: DataLoader<string, { reads: string[] } | null>;

  constructor(repository: Pick<SegmentRepository, 'readsByIds'>, feed: Pick<MembershipFeed, 'listen'>) {
    this.segments = new DataLoader(
      async (ids) => {
        const rows = await repository.readsByIds(ids);
        return ids.map((id) => rows.get(id) ?? null);
      },
      { cache: false },
    );
    // The feed hands out the entries of one read synchronously, one after another: those of one turn go together.
    feed.listen((entry) => {
      if (!this.delivering) {
        this.delivering = [];
        queueMicrotask(() => (this.delivering = null));
      }
      this.delivering.push(entry);
      this.deliveredWith.set(entry, this.delivering);
    });
  }

  /** Rejects when the segment could not be read: each subscriber waiting on it then ends with that error. */
  of(entry: FeedEntry): Promise<string[]> {
    if (!this.ofEntry.has(entry)) {
      for (const together of this.deliveredWith.get(entry) ?? [entry]) {
        if (!this.ofEntry.has(together)) this.ofEntry.set(together, this.read(together));
      }
    }
    return this.ofEntry.get(entry)!;
  }

  private read(entry: FeedEntry): Promise<string[]> {
    const deciding = attributesDecidingOn([`segment:${entry.segmentId}`], (ids) => this.segments.loadMany(ids));
    // Read for entries no subscriber may ever ask about: a failure is then nobody's to handle.
    deciding.catch(() => undefined);
    return deciding;
  }
}
