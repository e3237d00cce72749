import DataLoader from 'dataloader';
import type { FeedEntry } from '../kernel/membership-change';
import { attributesDecidingOn } from '../segments/segment-disclosure';
import type { SegmentRepository } from '../segments/segment.repository';

/**
 * The golden attributes that decide the segment of each live feed entry, read once per entry for every subscriber
 * it reaches on this instance (the feed hands each of them the same entry object). They describe the segment's
 * definition, the same whoever asks: not an answer to anyone. Whether a subscriber hears the entry is still decided
 * for each, from its own principal (SegmentDisclosure.hiddenAmong). Read per subscriber, a change of a segment
 * followed by a thousand masked subscribers cost a thousand reads of it.
 */
export class DecidingAttributes {
  private readonly ofEntry = new WeakMap<FeedEntry, Promise<string[]>>();
  /** Entries of one feed read arrive together: their segments are read in one query. Nothing is kept between reads. */
  private readonly segments: DataLoader<string, { reads: string[] } | null>;

  constructor(repository: Pick<SegmentRepository, 'readsByIds'>) {
    this.segments = new DataLoader(
      async (ids) => {
        const rows = await repository.readsByIds(ids);
        return ids.map((id) => rows.get(id) ?? null);
      },
      { cache: false },
    );
  }

  /** Rejects when the segment could not be read: each subscriber waiting on it then ends with that error. */
  of(entry: FeedEntry): Promise<string[]> {
    let deciding = this.ofEntry.get(entry);
    if (!deciding) {
      deciding = attributesDecidingOn([`segment:${entry.segmentId}`], (ids) => this.segments.loadMany(ids));
      this.ofEntry.set(entry, deciding);
    }
    return deciding;
  }
}
