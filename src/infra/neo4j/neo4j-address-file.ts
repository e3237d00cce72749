import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The embedded Neo4j of a data directory, as the process that runs it publishes it beside the directory
 * (`.data/neo4j` → `.data/neo4j.json`): Neo4j locks its store, so every other process on that directory (a command
 * beside `npm start`) must use this one instead of starting its own.
 */
export type PublishedNeo4j = {
  uri: string;
  /** The process that runs (and restarts) it: the file is stale once this one is gone. */
  ownerPid: number;
  /** The Java process itself (null while it starts), which may outlive a killed owner by the seconds its shutdown takes. */
  neo4jPid: number | null;
};

export const addressFileOf = (dataDir: string) => `${path.resolve(dataDir)}.json`;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the data directory before starting Neo4j on it, so that of two processes starting at once one starts it and
 * the other waits for it: false if another process's file is there (even a stale one: the caller looks first).
 */
export function claimNeo4j(dataDir: string, entry: PublishedNeo4j): boolean {
  // On a fresh clone nothing exists yet: the file sits beside the data directory, whose parent may be missing too.
  mkdirSync(path.dirname(addressFileOf(dataDir)), { recursive: true });
  try {
    writeFileSync(addressFileOf(dataDir), `${JSON.stringify(entry)}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Rewrites this owner's file (a new Java process after a restart); written whole, so a reader never sees half. */
export function publishNeo4j(dataDir: string, entry: PublishedNeo4j): void {
  const file = addressFileOf(dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(entry)}\n`);
  renameSync(temporary, file);
}

/** What the file says, whether or not its owner still runs; null when there is none or it is unreadable. */
export function readAddressFile(dataDir: string): PublishedNeo4j | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(addressFileOf(dataDir), 'utf8'));
  } catch {
    return null;
  }
  const entry = parsed as Partial<PublishedNeo4j>;
  const valid =
    typeof entry.uri === 'string' && /^bolt:\/\/[\w.-]+:\d+$/.test(entry.uri) && Number.isSafeInteger(entry.ownerPid) && (entry.neo4jPid === null || Number.isSafeInteger(entry.neo4jPid));
  return valid ? (entry as PublishedNeo4j) : null;
}

/** The published Neo4j if its owner still runs; a file left by a killed owner is ignored. */
export function findPublishedNeo4j(dataDir: string): PublishedNeo4j | null {
  const entry = readAddressFile(dataDir);
  return entry && isAlive(entry.ownerPid) ? entry : null;
}

/** Removes the file only if it is still this owner's: a successor's must stay. */
export function withdrawNeo4j(dataDir: string, ownerPid: number): void {
  if (readAddressFile(dataDir)?.ownerPid === ownerPid) rmSync(addressFileOf(dataDir), { force: true });
}

/** Removes a file whose owner is gone (or that cannot be read), so that a new owner can claim the directory. */
export function removeStaleAddressFile(dataDir: string): void {
  const entry = readAddressFile(dataDir);
  if (!entry || !isAlive(entry.ownerPid)) rmSync(addressFileOf(dataDir), { force: true });
}
