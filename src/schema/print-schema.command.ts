import { writeFileSync } from 'node:fs';
import { buildAppSchema } from './build-schema';
import { printSchemaFile, schemaFile } from './schema-file';

void buildAppSchema().then((schema) => {
  writeFileSync(schemaFile, printSchemaFile(schema));
  console.log(`Wrote ${schemaFile}`);
});
