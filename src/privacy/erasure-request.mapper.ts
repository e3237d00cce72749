import type { ErasureRequestRow } from './erasure-request';
import type { ErasureRequestType, ErasureStatusEnum } from './erasure-request.type';

export function toErasureRequestType(row: ErasureRequestRow): ErasureRequestType {
  return {
    id: row.id,
    customerId: row.customerId,
    status: row.status as ErasureStatusEnum,
    reason: row.reason,
    requestedAt: row.requestedAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    attempts: row.attempts,
    error: row.error,
    removed: row.counts,
  };
}
