import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redis } from 'ioredis';
import type { AuditSettings } from '../config/config';
import { checkpointsInLines, parseCheckpoint, type Checkpoint, type CheckpointEvidence, type CheckpointsRead } from './audit-checkpoint';

/** Where checkpoints are kept outside Neo4j: a file, or a Redis Stream that every API instance shares. */
export interface CheckpointStore {
  /** Where a chain's checkpoints are, for logs and verification reports. */
  describe(chain: string): string;
  append(checkpoint: Checkpoint): Promise<void>;
  read(chain: string): Promise<CheckpointsRead>;
}

/**
 * One checkpoint per line, appended (instances on one host may share the file: a line is one write). About 300
 * bytes a checkpoint, at most one per AUDIT_CHECKPOINT_INTERVAL_MS per instance while reads are audited.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(
    private readonly file: string,
    /** `copy`: a copy of a checkpoint file, or the API's JSON log stream, read for the checkpoints it holds. */
    private readonly format: 'store' | 'copy' = 'store',
  ) {}

  describe(): string {
    return this.file;
  }

  async append(checkpoint: Checkpoint): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, JSON.stringify(checkpoint) + '\n', { mode: 0o600 });
  }

  /** A store file nobody has written yet holds no checkpoints; a copy asked for by name must exist. */
  async read(chain: string): Promise<CheckpointsRead> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && this.format === 'store') return { found: [], unreadable: [] };
      throw error;
    }
    return checkpointsInLines(text, this.file, chain, this.format);
  }
}

/**
 * Newest checkpoints kept per chain: the newest one alone vouches for the whole chain up to it (see Checkpoint),
 * so older ones are only spares. 100,000 is more than two months at one a minute.
 */
const REDIS_KEPT = 100_000;
const PAGE = 1000;

/** One Redis Stream per chain (`<prefix>:<chain>`), shared by every instance writing that chain. */
export class RedisCheckpointStore implements CheckpointStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  describe(chain: string): string {
    return `Redis stream ${this.keyOf(chain)}`;
  }

  async append(checkpoint: Checkpoint): Promise<void> {
    await this.redis.xadd(this.keyOf(checkpoint.chain), 'MAXLEN', '~', REDIS_KEPT, '*', 'checkpoint', JSON.stringify(checkpoint));
  }

  async read(chain: string): Promise<CheckpointsRead> {
    const key = this.keyOf(chain);
    const read: CheckpointsRead = { found: [], unreadable: [] };
    for (let start = '-'; ; ) {
      const page = await this.redis.xrange(key, start, '+', 'COUNT', PAGE);
      for (const [id, fields] of page) {
        const where = `entry ${id} of ${this.describe(chain)}`;
        const field = fields.indexOf('checkpoint');
        const raw = field >= 0 ? fields[field + 1] : 'absent';
        let checkpoint: Checkpoint | string;
        try {
          checkpoint = parseCheckpoint(JSON.parse(raw));
        } catch {
          checkpoint = 'not JSON';
        }
        if (typeof checkpoint === 'string') read.unreadable.push({ where, reason: checkpoint });
        else if (checkpoint.chain !== chain) read.unreadable.push({ where, reason: `a checkpoint of chain "${checkpoint.chain}"` });
        else read.found.push({ ...checkpoint, number: read.found.length + 1, where });
      }
      if (page.length < PAGE) return read;
      start = `(${page[page.length - 1][0]}`;
    }
  }

  private keyOf(chain: string): string {
    return `${this.prefix}:${chain}`;
  }
}

/** The configured store: the Redis Streams every instance shares when there is Redis, else the file. */
export const checkpointStoreFor = (settings: AuditSettings['checkpoints'], redis: Redis | null): CheckpointStore =>
  redis ? new RedisCheckpointStore(redis, settings.redisKey) : new FileCheckpointStore(settings.file);

/** Every checkpoint of a chain in these stores, for a verification. */
export async function readCheckpoints(stores: readonly CheckpointStore[], chain: string): Promise<CheckpointEvidence> {
  const evidence: CheckpointEvidence = { sources: [], found: [], unreadable: [] };
  for (const store of stores) {
    const read = await store.read(chain);
    evidence.sources.push(store.describe(chain));
    evidence.found.push(...read.found);
    evidence.unreadable.push(...read.unreadable);
  }
  return evidence;
}
