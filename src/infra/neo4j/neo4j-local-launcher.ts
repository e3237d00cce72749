import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../project-root';
import { freePort, ProcessStartError, startManagedProcess, type ManagedProcess } from '../services/managed-process';

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

/** The embedded Neo4j could not start; the message is one line a user can act on (the Java output is in `output`). */
export class LocalNeo4jStartError extends Error {
  constructor(
    message: string,
    /** Another process holds the data directory: waiting, or using that process's Neo4j, may help. */
    readonly dataDirLocked: boolean,
    readonly output: string[],
  ) {
    super(message);
  }
}

/** Builds the launcher with Maven the first time; later starts reuse the jar. */
export async function ensureLauncherBuilt(log: (message: string) => void = () => undefined): Promise<string> {
  if (existsSync(launcherJar)) return launcherJar;
  log('Building the embedded Neo4j launcher with Maven (first run only; downloads ~120 MB into ~/.m2)...');
  try {
    await promisify(execFile)('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', path.join(launcherDir, 'pom.xml'), 'package'], {
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
  try {
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
  } catch (error) {
    throw explainStartFailure(error, options.dataDir, port);
  }
}

/** Java's answer is a page of stack trace; the user needs the one line in it that says what to do. */
function explainStartFailure(error: unknown, dataDir: string, port: number): Error {
  if (!(error instanceof ProcessStartError)) return error as Error;
  const output = error.output.join('\n');
  if (/Lock file has been locked by another process|FileLockException/.test(output)) {
    return new LocalNeo4jStartError(
      `Neo4j's data directory ${dataDir} is locked by a process that does not share it (an older version, or one ` +
        'started by hand): stop that process, or set NEO4J_URI to a running Neo4j',
      true,
      error.output,
    );
  }
  if (/BindException|Address already in use/.test(output)) {
    return new LocalNeo4jStartError(`Neo4j (embedded) could not listen on 127.0.0.1:${port}: the port is in use`, false, error.output);
  }
  if (/could not be started \(java\)/.test(error.message)) {
    return new LocalNeo4jStartError('Neo4j (embedded) needs Java 17+ on the PATH (apt-get install -y openjdk-17-jdk-headless), or set NEO4J_URI', false, error.output);
  }
  // The innermost cause is the most specific line Java gives.
  const cause = [...error.output].reverse().find((line) => /^(Caused by: |\S+Exception: )/.test(line.trim()));
  const reason = (cause ?? error.message.split('\n')[0]).trim().replace(/^Caused by: /, '').slice(0, 300);
  return new LocalNeo4jStartError(`Neo4j (embedded) could not start on ${dataDir}: ${reason}`, false, error.output);
}
