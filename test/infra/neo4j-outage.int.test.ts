import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalNeo4j, type LocalNeo4j } from '../../src/infra/neo4j/neo4j-local-launcher';
import { freePort } from '../../src/infra/services/managed-process';
import { startTestApp, tokenFor, unique, type TestApp } from '../support/test-app';

/** Neo4j goes away and comes back: the API says so at once, then recovers without a restart. */
describe('when Neo4j is unavailable', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'c360-outage-'));
  const options = { dataDir, pageCacheMb: 32, heap: '512m' };
  let port: number;
  let neo4j: LocalNeo4j;
  let app: TestApp;
  let url: string;
  const u = unique();

  beforeAll(async () => {
    port = await freePort();
    neo4j = await startLocalNeo4j({ ...options, port });
    app = await startTestApp({ env: { NEO4J_URI: neo4j.uri } });
    url = await app.listen('127.0.0.1', 0);
    await app.services.ingestion.ingestEvents([{ messageId: u, type: 'IDENTIFY', userId: `${u}-u`, traits: { firstName: 'Ada' } }]);
  });
  afterAll(async () => {
    await app?.close();
    await neo4j?.process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lookUp = async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(app, 'admin')}` },
      body: JSON.stringify({ query: `{ customerByIdentifier(type: USER_ID, value: "${u}-u") { firstName } }` }),
    });
    return (await response.json()) as { data?: { customerByIdentifier: { firstName: string } | null }; errors?: { extensions: Record<string, unknown> }[] };
  };
  const readiness = async () => (await fetch(`${url}/health/ready`)).status;

  it('fails requests with a retryable SERVICE_UNAVAILABLE, reports not ready, and recovers when Neo4j returns', async () => {
    expect((await lookUp()).data?.customerByIdentifier).toEqual({ firstName: 'Ada' });
    expect(await readiness()).toBe(200);

    await neo4j.process.stop();
    const first = await lookUp();
    expect(first.errors?.[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    // Now known to be down: the next request is refused without touching the network.
    const second = await lookUp();
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    expect(await readiness()).toBe(503);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);

    neo4j = await startLocalNeo4j({ ...options, port });
    // Back once Neo4j answers a query and the API planned its most used queries again (up to 15 s; a cold JVM on
    // this busy 2-core machine plans slowly).
    let status = 0;
    for (const deadline = Date.now() + 90_000; status !== 200 && Date.now() < deadline; ) {
      status = await readiness();
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
    expect((await lookUp()).data?.customerByIdentifier).toEqual({ firstName: 'Ada' });
  }, 240_000);
});
