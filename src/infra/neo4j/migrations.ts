import { createHash } from 'node:crypto';
import path from 'node:path';
import { cypherRoot, CypherRegistry, listCypherFiles } from './cypher-registry';
import type { Database } from './database';

/** A schema file (`version`) or a data migration (`version` null, known by its name). */
export type AppliedMigration = { version: number | null; name: string };

/**
 * A change to stored data rather than to the schema, in TypeScript where it needs the code that shapes the data (a
 * key format). Runs after the schema files, once, in list order, recorded by name; it must be safe to run again
 * after a crash part-way, and on two instances starting at once.
 */
export type DataMigration = Readonly<{ name: string; run(db: Database, registry: CypherRegistry): Promise<void> }>;

/** Splits a schema file into statements; schema files hold only DDL, one statement per `;`. */
export const schemaStatements = (text: string) =>
  text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(';')
    .map((statement) => statement.trim())
    .filter(Boolean);

/**
 * Applies cypher/schema/NNN-name.cypher in order, then the data migrations not yet applied. Every schema statement is
 * idempotent (IF NOT EXISTS), and applied versions are recorded as (:SchemaMigration) nodes, data migrations as
 * (:DataMigration) nodes, so a restart or a second instance changes nothing.
 */
export async function migrate(db: Database, registry: CypherRegistry, data: readonly DataMigration[]): Promise<AppliedMigration[]> {
  const files = listCypherFiles(path.join(cypherRoot, 'schema')).map((file) => {
    const match = /^(\d+)-(.+)$/.exec(file.name);
    if (!match) throw new Error(`Schema file cypher/schema/${file.name}.cypher must be named NNN-description.cypher`);
    return { version: Number(match[1]), name: match[2], text: file.text };
  });
  const applied = await db.read<{ version: number }>(registry.get('migrations/applied-versions'));
  const appliedVersions = new Set(applied.map((row) => row.version));
  const newlyApplied: AppliedMigration[] = [];
  for (const file of files.filter((f) => !appliedVersions.has(f.version))) {
    // Schema statements may not share a transaction with writes: each runs on its own.
    for (const statement of schemaStatements(file.text)) await db.write((tx) => tx.rows(statement));
    const checksum = createHash('sha256').update(file.text).digest('hex');
    await db.write((tx) =>
      tx.rows(registry.get('migrations/record-version'), { version: file.version, name: file.name, checksum }),
    );
    newlyApplied.push({ version: file.version, name: file.name });
  }
  const appliedData = new Set((await db.read<{ name: string }>(registry.get('migrations/applied-data-migrations'))).map((row) => row.name));
  for (const migration of data.filter((m) => !appliedData.has(m.name))) {
    await migration.run(db, registry);
    await db.write((tx) => tx.rows(registry.get('migrations/record-data-migration'), { name: migration.name }));
    newlyApplied.push({ version: null, name: migration.name });
  }
  return newlyApplied;
}
