import { Router } from 'express';
import path from 'node:path';

/** Files of a package, found through its package.json: React's `exports` map hides umd/. */
const packageFile = (name: string, file: string) => path.join(path.dirname(require.resolve(`${name}/package.json`)), file);

const ASSETS: Record<string, string> = {
  'react.production.min.js': packageFile('react', 'umd/react.production.min.js'),
  'react-dom.production.min.js': packageFile('react-dom', 'umd/react-dom.production.min.js'),
  'graphiql.min.js': packageFile('graphiql', 'dist/index.umd.js'),
  'graphiql.min.css': packageFile('graphiql', 'dist/style.css'),
  'graphql-ws.min.js': packageFile('graphql-ws', 'umd/graphql-ws.min.js'),
};

/** A small mark of our own, so the browser's favicon request does not end in a 404. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30" fill="#1b5e85"/><text x="32" y="42" font-family="sans-serif" font-size="26" font-weight="bold" text-anchor="middle" fill="#fff">360</text></svg>`;

const DEFAULT_QUERY = `# Customer-360 GraphiQL: queries and mutations over HTTP, subscriptions over graphql-ws.
query ProfileByEmail {
  customerByIdentifier(type: EMAIL, value: "anna.schmidt@example.com") {
    id firstName lastName city
    identifiers { type value why { summary } }
    mergeHistory { at cause }
  }
}
`;

const page = (defaultHeaders: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Customer-360 GraphiQL</title>
  <link rel="icon" href="assets/favicon.svg" type="image/svg+xml" />
  <link rel="stylesheet" href="assets/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="assets/react.production.min.js"></script>
  <script src="assets/react-dom.production.min.js"></script>
  <script src="assets/graphql-ws.min.js"></script>
  <script src="assets/graphiql.min.js"></script>
  <script>
    const http = new URL('../graphql', window.location.href);
    const ws = new URL(http);
    ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
    const defaultHeaders = ${JSON.stringify(defaultHeaders)};
    // The headers editor feeds HTTP requests; the WebSocket sends the same headers in connection_init when it opens.
    let headers = {};
    const readHeaders = (text) => { try { headers = JSON.parse(text || '{}'); } catch { /* still being typed */ } };
    readHeaders(defaultHeaders);
    const wsClient = graphqlWs.createClient({ url: ws.href, lazy: true, connectionParams: () => headers });
    const fetcher = GraphiQL.createFetcher({ url: http.href, wsClient });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: ${JSON.stringify(DEFAULT_QUERY)},
        defaultHeaders,
        onEditHeaders: readHeaders,
        shouldPersistHeaders: false,
      }),
    );
  </script>
</body>
</html>`;

/**
 * GraphiQL served by the API itself, every asset from node_modules: it works offline and behind strict networks.
 * In dev mode `devToken` presets an Authorization header; otherwise the user pastes their own.
 */
export function graphiqlRouter(devToken?: () => Promise<string>): Router {
  const router = Router();
  const blank = page('{\n  "Authorization": "Bearer <your token>"\n}');
  router.get('/', async (req, res) => {
    // The page loads its assets and finds /graphql by relative paths, which resolve right only under the slash.
    const [pathname, search = ''] = req.originalUrl.split(/\?(.*)/s);
    if (!pathname.endsWith('/')) return void res.redirect(301, `${pathname}/${search ? `?${search}` : ''}`);
    const html = devToken ? page(JSON.stringify({ Authorization: `Bearer ${await devToken()}` }, null, 2)) : blank;
    res.type('html').send(html);
  });
  router.get('/assets/favicon.svg', (_req, res) => void res.type('svg').set('Cache-Control', 'public, max-age=3600').send(FAVICON));
  router.get('/assets/:file', (req, res) => {
    const file = ASSETS[req.params.file];
    if (!file) return void res.sendStatus(404);
    res.sendFile(file, { maxAge: '1h' });
  });
  return router;
}

