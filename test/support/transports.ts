import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { gql, tokenFor, type TestApp } from './test-app';

export type GraphQLResponse = { status?: number; data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };

/** POST /graphql as a client would send it; the status comes back with the body. */
export async function postGraphQL(url: string, body: unknown, token?: string): Promise<GraphQLResponse & { headers: Headers }> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, ...((await response.json()) as GraphQLResponse) };
}

/** A graphql-ws client on the app's /graphql, carrying `token` in connection_init. */
export function wsClient(url: string, token?: string): Client {
  return createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

/** Runs one operation over graphql-ws to its end: the last result, or the errors the server answered with. */
export function viaWs(client: Client, query: string, variables?: Record<string, unknown>, operationName?: string): Promise<GraphQLResponse> {
  return new Promise((resolve, reject) => {
    let last: GraphQLResponse = {};
    client.subscribe(
      { query, variables, operationName },
      {
        next: (result) => void (last = result as GraphQLResponse),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => resolve(last),
      },
    );
  });
}

export type Transport = 'http' | 'ws';
export type SendOn = Record<Transport, (query: string, variables?: Record<string, unknown>) => Promise<GraphQLResponse>>;

/** The app listening on a free port, with an admin able to send one operation over either transport. */
export async function listenOnBoth(app: TestApp): Promise<{ url: string; token: string; client: Client; send: SendOn }> {
  const url = await app.listen('127.0.0.1', 0);
  const token = await tokenFor(app, 'admin');
  const client = wsClient(url, token);
  const send: SendOn = {
    http: (query, variables) => postGraphQL(url, { query, variables }, token),
    ws: (query, variables) => viaWs(client, query, variables),
  };
  return { url, token, client, send };
}

/** A hostile document wraps this mutation: it must never run, so the user id must never resolve to a customer. */
export const ingestEventFor = (u: string) => [{ messageId: `${u}-m`, type: 'IDENTIFY', userId: `${u}-user` }];

export async function customerOfUser(app: TestApp, u: string): Promise<string | null> {
  const data = await gql(app, `query($v: String!) { customerByIdentifier(type: USER_ID, value: $v) { id } }`, { v: `${u}-user` });
  return data.customerByIdentifier?.id ?? null;
}
