import { writeFileSync } from 'node:fs';
import { runCommand } from '../infra/services/run-command';
import { buildAppSchema } from './build-schema';
import { printSchemaFile, schemaFile } from './schema-file';

/** `npm run schema:print`: writes schema.graphql from the code (a test fails when the checked-in file is stale). */
runCommand({
  needs: 'none',
  async run() {
    writeFileSync(schemaFile, printSchemaFile(await buildAppSchema()));
    console.log(`Wrote ${schemaFile}`);
  },
});
