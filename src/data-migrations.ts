import { auditBlocksMigration } from './audit/audit-blocks.migration';
import { compactLineageMigration } from './identity/compact-lineage.migration';
import { evidenceLogMigration } from './identity/evidence-log.migration';
import { recordKeysMigration } from './ingestion/record-keys.migration';
import type { DataMigration } from './infra/neo4j/migrations';

/** Data migrations, run in this order after the schema files (see migrations.ts): append, never reorder or remove. */
export const DATA_MIGRATIONS: readonly DataMigration[] = [recordKeysMigration, compactLineageMigration, auditBlocksMigration, evidenceLogMigration];
