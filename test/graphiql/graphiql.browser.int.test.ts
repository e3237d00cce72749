/// <reference lib="dom" />
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, unique, type TestApp } from '../support/test-app';

/** An analyst's view: GraphiQL served by the API, driven in a real headless Chromium, with no network beyond it. */
describe('GraphiQL at /graphiql/', () => {
  let app: TestApp;
  let url: string;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const u = unique();

  beforeAll(async () => {
    // Dev mode presets an admin token in GraphiQL's headers, as `npm start` does.
    app = await startTestApp({ env: { AUTH_DEV_MODE: 'true' } });
    url = await app.listen('127.0.0.1', 0);
    await app.services.ingestion.ingestEvents([
      { messageId: `${u}-1`, type: 'IDENTIFY', userId: `${u}-u`, traits: { email: `${u}@graphiql.test`, firstName: 'Katherine' } },
    ]);
    // Playwright gives the browser a fresh, temporary profile of its own.
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${url}/graphiql/`);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
  });

  async function run(query: string) {
    await page.evaluate((text) => {
      const editor = document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } };
      editor.CodeMirror.setValue(text);
    }, query);
    // GraphiQL re-parses the document after a debounce; running earlier sends the previous operation.
    await page.waitForTimeout(500);
    await page.click('.graphiql-execute-button');
  }

  const resultText = () => page.locator('.graphiql-response').innerText();

  it('runs a query and shows the result on the page', async () => {
    await run(`{ customerByIdentifier(type: EMAIL, value: "${u}@graphiql.test") { firstName email } }`);
    await page.waitForFunction((email) => document.querySelector('.graphiql-response')?.textContent?.includes(email), `${u}@graphiql.test`);
    expect(await resultText()).toContain('Katherine');
  });

  it('runs a subscription over graphql-ws and shows pushed changes', async () => {
    const [{ customerId }] = await app.services.ingestion.ingestEvents([{ messageId: `${u}-2`, type: 'IDENTIFY', userId: `${u}-u` }]);
    await run(`subscription { customerChanged(id: "${customerId}") { change customer { city } } }`);
    // The subscription is registered once GraphiQL shows it running (the button turns into a stop button).
    await page.waitForSelector('.graphiql-execute-button[aria-label*="Stop"]');
    await page.waitForTimeout(300);
    await app.services.ingestion.ingestEvents([
      { messageId: `${u}-3`, type: 'IDENTIFY', userId: `${u}-u`, traits: { address: { city: 'Hampton' } } },
    ]);
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('Hampton'));
    expect(await resultText()).toContain('UPDATED');
  });

  it('opens without the trailing slash too, and every request of the page succeeds (favicon included)', async () => {
    const bare = await browser.newPage();
    const failed: string[] = [];
    bare.on('response', (response) => response.status() >= 400 && failed.push(`${response.status()} ${response.url()}`));
    // Headless Chromium may not ask for a favicon at all; when it does, the answer must not be an error.
    const favicon = bare.waitForResponse((r) => r.url().includes('favicon'), { timeout: 5000 }).catch(() => null);
    try {
      const response = await bare.goto(`${url}/graphiql?tab=1`);
      expect(response?.url()).toBe(`${url}/graphiql/?tab=1`);
      await bare.waitForSelector('.graphiql-query-editor .CodeMirror');
      await favicon;
      expect(failed).toEqual([]);
      const icon = await fetch(`${url}/graphiql/assets/favicon.svg`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toMatch(/svg/);
    } finally {
      await bare.close();
    }
  });

  it('loads every asset from the API itself', () => {
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.filter((r) => !r.startsWith(url) && !r.startsWith(url.replace('http', 'ws')) && !r.startsWith('data:'))).toEqual([]);
  });
});
