import { z } from 'zod';
import type { AuditKey } from './audit-key';

/**
 * A signed statement, kept outside Neo4j, that a chain's head once was at `seq` with `hash`, and that its entries
 * were keyed from `keyedFrom` on. Entry hashes are keyed and each covers the one before it, so the newest
 * checkpoint vouches for every entry up to its seq: the database can no longer be shorter, or different, there.
 */
export type Checkpoint = {
  chain: string;
  seq: number;
  hash: string;
  keyedFrom: number | null;
  /** When the checkpoint was taken (ISO 8601, UTC). */
  at: string;
  keyId: string;
  mac: string;
};

/** A checkpoint as a verifier found it: numbered per chain and source, and where to look it up. */
export type FoundCheckpoint = Checkpoint & { number: number; where: string };

/** A line or entry of a checkpoint store that is not a checkpoint: the store was edited, or damaged. */
export type UnreadableCheckpoint = { where: string; reason: string };

export type CheckpointsRead = { found: FoundCheckpoint[]; unreadable: UnreadableCheckpoint[] };

/** Checkpoints of one chain read from outside Neo4j, and the stores they were read from. */
export type CheckpointEvidence = CheckpointsRead & { sources: string[] };

const checkpointShape = z
  .object({
    chain: z.string(),
    seq: z.number().int().min(0),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    keyedFrom: z.number().int().min(1).nullable(),
    at: z.string(),
    keyId: z.string(),
    mac: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

const payloadOf = (checkpoint: Omit<Checkpoint, 'mac' | 'keyId'>) =>
  JSON.stringify(['c360-audit-checkpoint-v1', checkpoint.chain, checkpoint.seq, checkpoint.hash, checkpoint.keyedFrom, checkpoint.at]);

export function signCheckpoint(key: AuditKey, fields: Omit<Checkpoint, 'mac' | 'keyId'>): Checkpoint {
  return { ...fields, keyId: key.id, mac: key.sign(payloadOf(fields)) };
}

export const isSignedBy = (key: AuditKey, checkpoint: Checkpoint) => key.signs(payloadOf(checkpoint), checkpoint.mac);

/** The checkpoint in a stored value, or why it is not one. */
export function parseCheckpoint(value: unknown): Checkpoint | string {
  const parsed = checkpointShape.safeParse(value);
  if (parsed.success) return parsed.data;
  return `not a checkpoint (${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ')})`;
}

/**
 * Checkpoints in the lines of a file. A checkpoint `store` holds one checkpoint per line, and any other line means
 * it was edited. A `copy` may also be the API's JSON log stream: a checkpoint is a line of its own or the
 * `auditCheckpoint` of a log line, and lines that are neither are skipped.
 */
export function checkpointsInLines(text: string, file: string, chain: string, format: 'store' | 'copy'): CheckpointsRead {
  const read: CheckpointsRead = { found: [], unreadable: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const where = `line ${i + 1} of ${file}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (format === 'store') read.unreadable.push({ where, reason: 'not JSON' });
      continue;
    }
    if (format === 'copy') {
      if (typeof value !== 'object' || value === null) continue;
      if ('auditCheckpoint' in value) value = value.auditCheckpoint;
      else if (!('mac' in value)) continue;
    }
    const checkpoint = parseCheckpoint(value);
    if (typeof checkpoint === 'string') read.unreadable.push({ where, reason: checkpoint });
    else if (checkpoint.chain === chain) read.found.push({ ...checkpoint, number: read.found.length + 1, where });
  }
  return read;
}
