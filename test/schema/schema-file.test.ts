import { readFileSync } from 'node:fs';
import { buildAppSchema } from '../../src/schema/build-schema';
import { printSchemaFile, schemaFile } from '../../src/schema/schema-file';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing types)', async () => {
    const generated = printSchemaFile(await buildAppSchema());
    expect(readFileSync(schemaFile, 'utf8')).toBe(generated);
  });
});
