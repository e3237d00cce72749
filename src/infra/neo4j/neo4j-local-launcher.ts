import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, startManagedProcess, type ManagedProcess } from '../services/managed-process';

const projectRoot = path.resolve(__dirname, '..', '..', '..');
export const launcherDir = path.join(projectRoot, 'tools', 'neo4j-local');
const launcherJar = path.join(launcherDir, 'target', 'neo4j-local.jar');

/** Flags the Neo4j server script passes on Java 17; embedded needs them too. */
const JVM_OPENS = [
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
];

export type LocalNeo4jOptions = { dataDir: string; pageCacheMb: number; heap: string; port?: number };
export type LocalNeo4j = { uri: string; process: ManagedProcess };

/** Builds the launcher with Maven the first time; later starts reuse the jar. */
export async function ensureLauncherBuilt(log: (message: string) => void = () => undefined): Promise<string> {
  if (existsSync(launcherJar)) return launcherJar;
  log('Building the embedded Neo4j launcher with Maven (first run only; downloads ~120 MB into ~/.m2)...');
  try {
    await promisify(execFile)('mvn', ['-B', '-q', '-f', path.join(launcherDir, 'pom.xml'), 'package'], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    throw new Error(
      `Could not build tools/neo4j-local with Maven (${(error as Error).message.split('\n')[0]}). ` +
        'Install a JDK 17+ and Maven (apt-get install -y maven), or set NEO4J_URI to a running Neo4j 5.',
    );
  }
  return launcherJar;
}

export async function startLocalNeo4j(options: LocalNeo4jOptions, log?: (message: string) => void): Promise<LocalNeo4j> {
  const jar = await ensureLauncherBuilt(log);
  const port = options.port ?? (await freePort());
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const classpath = [jar, path.join(launcherDir, 'target', 'lib', '*')].join(path.delimiter);
  const child = await startManagedProcess({
    name: 'Neo4j (embedded launcher)',
    command: 'java',
    args: [
      `-Xms${options.heap}`,
      `-Xmx${options.heap}`,
      ...JVM_OPENS,
      '-cp',
      classpath,
      'dev.c360.neo4jlocal.Main',
      '--data',
      dataDir,
      '--port',
      String(port),
      '--pagecache',
      String(options.pageCacheMb),
      '--exit-on-stdin-eof',
    ],
    stdinLifeline: true,
    ready: /^NEO4J_LOCAL_READY /,
    timeoutMs: 180_000,
    stopTimeoutMs: 60_000,
  });
  return { uri: `bolt://127.0.0.1:${port}`, process: child };
}
