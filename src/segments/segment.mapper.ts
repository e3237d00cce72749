import type { SegmentRow } from './segment.repository';
import { type Segment, SegmentStatusEnum } from './segment.type';

export function toSegment(row: SegmentRow): Segment {
  return {
    id: row.id,
    name: row.name,
    description: row.description ?? null,
    definition: JSON.parse(row.definition) as unknown,
    version: row.version,
    reads: row.reads,
    status: SegmentStatusEnum[row.status],
    evaluated: row.evaluated,
    totalCustomers: row.total,
    memberCount: row.size ?? 0,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
  };
}
