import { listCypherFiles } from '../../src/infra/neo4j/cypher-registry';
import { Database } from '../../src/infra/neo4j/database';
import { schemaStatements } from '../../src/infra/neo4j/migrations';

/** Every .cypher file is parsed and planned by the real Neo4j: syntax, labels and parameters are checked. */
describe('every Cypher file', () => {
  let db: Database;
  beforeAll(() => {
    db = Database.connect(process.env.NEO4J_URI!, process.env.NEO4J_USER ?? 'neo4j', process.env.NEO4J_PASSWORD, 'neo4j');
  });
  afterAll(() => db.close());

  const files = listCypherFiles();
  const statements = files.flatMap((file) =>
    file.name.startsWith('schema/')
      ? schemaStatements(file.text).map((text, i) => ({ name: `${file.name} #${i + 1}`, text }))
      : [{ name: file.name, text: file.text }],
  );

  it('there are Cypher files to check', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(statements.map((s) => [s.name, s.text]))('%s passes EXPLAIN', async (_name, text) => {
    await expect(db.read(`EXPLAIN ${text}`)).resolves.toEqual([]);
  });
});
