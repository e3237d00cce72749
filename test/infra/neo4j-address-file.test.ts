import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimNeo4j, readAddressFile } from '../../src/infra/neo4j/neo4j-address-file';

/** The address file of the embedded Neo4j, as `npm start` writes it on a fresh clone (no .data/ yet). */
describe('the embedded Neo4j address file', () => {
  it('is claimed where the data directory will be even when no parent of it exists yet, and only once', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'c360-address-'));
    try {
      const dataDir = path.join(root, 'fresh-clone', '.data', 'neo4j');
      const entry = { uri: 'bolt://127.0.0.1:7687', ownerPid: process.pid, neo4jPid: null };
      expect(claimNeo4j(dataDir, entry)).toBe(true);
      expect(existsSync(`${dataDir}.json`)).toBe(true);
      expect(readAddressFile(dataDir)).toMatchObject({ uri: entry.uri, ownerPid: process.pid });
      expect(claimNeo4j(dataDir, entry)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
