import { CloseCode, handleProtocols, makeServer, type ServerOptions, type WebSocket as ProtocolSocket } from 'graphql-ws';
import type { RawData, WebSocket, WebSocketServer } from 'ws';

/** What every connection's context carries from the transport: its socket and the peer's address. */
export type SocketExtra = { readonly socket: WebSocket; readonly remoteAddress: string | undefined };

type Reporting = {
  /** A socket failed (ws has closed it, or it is closed now with 1011). */
  onSocketError: (error: Error & { code?: string }) => void;
  /** Handling a message or a close failed: the connection is closed with 1011. */
  onInternalError: (error: unknown) => void;
};

/**
 * Above this many bytes waiting on a socket, a send waits until they are written: a subscriber that does not read
 * slows its own stream (whose buffer then ends it), never the instance's memory.
 */
const HIGH_WATER_BYTES = 1 << 20;

/** One connection as graphql-ws's protocol sees it. Methods, not closures: it lives as long as the connection. */
class Connection implements ProtocolSocket {
  handle: ((data: string) => Promise<void>) | null = null;
  closed: ((code?: number, reason?: string) => Promise<void>) | null = null;
  /** Pinged, and no pong back yet. */
  awaitingPong = false;

  constructor(
    readonly socket: WebSocket,
    readonly reporting: Reporting,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> | void {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount < HIGH_WATER_BYTES) return void socket.send(data);
    return new Promise<void>((resolve) => socket.send(data, () => resolve()));
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.handle = handle;
  }

  /** An arrow, made once per connection: every pending message of the connection shares it. */
  readonly failed = (error: unknown): void => {
    this.reporting.onInternalError(error);
    this.socket.close(CloseCode.InternalServerError, 'Internal server error');
  };
}

const connections = new WeakMap<WebSocket, Connection>();

// Listeners shared by every socket (`this` is the socket): none is a closure a connection would keep.
function received(this: WebSocket, data: RawData): void {
  const connection = connections.get(this);
  connection?.handle?.(String(data)).catch(connection.failed);
}

function answered(this: WebSocket): void {
  const connection = connections.get(this);
  if (connection) connection.awaitingPong = false;
}

function failed(this: WebSocket, error: Error & { code?: string }): void {
  connections.get(this)?.reporting.onSocketError(error);
  this.close(CloseCode.InternalServerError, 'Internal server error');
}

function ended(this: WebSocket, code: number, reason: Buffer): void {
  const connection = connections.get(this);
  connections.delete(this);
  void connection?.closed?.(code, String(reason)).catch(connection.reporting.onInternalError);
}

/**
 * graphql-ws over a `ws` server, in place of graphql-ws's own `useServer`. The protocol is graphql-ws's
 * (makeServer); what differs is what each connection costs while it waits, which is most of its life (measured with
 * bench:audience, heap per idle subscription):
 * - one keep-alive timer for the server instead of an interval, a timeout and a `once` listener per connection;
 * - listeners shared by all sockets, and an incoming message handed over without an async frame of its own (which
 *   for a subscribe message held the message's buffer as long as the subscription was open);
 * - no upgrade request (headers and all) in the context, only the peer's address;
 * - a send does not wait for its write unless the socket is backed up: a delivery costs no promise and callback.
 */
export function serveGraphqlWs<P extends Record<string, unknown>, E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, E & SocketExtra>,
  wsServer: WebSocketServer,
  { keepAliveMs = 12_000, ...reporting }: Reporting & { keepAliveMs?: number },
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wsServer.options.handleProtocols = handleProtocols;

  // A socket that has not answered the previous ping within keepAliveMs is gone (a peer that vanished closes nothing).
  const keepAlive = setInterval(() => {
    for (const socket of wsServer.clients) {
      const connection = connections.get(socket);
      if (!connection) continue;
      if (connection.awaitingPong) {
        socket.terminate();
        continue;
      }
      connection.awaitingPong = true;
      socket.ping();
    }
  }, keepAliveMs);
  keepAlive.unref();

  wsServer.on('connection', (socket, request) => {
    const connection = new Connection(socket, reporting);
    connections.set(socket, connection);
    socket.on('pong', answered);
    socket.on('error', failed);
    socket.on('message', received);
    socket.on('close', ended);
    const extra = { socket, remoteAddress: request.socket.remoteAddress } as E & SocketExtra;
    connection.closed = server.opened(connection, extra);
  });

  return {
    async dispose() {
      clearInterval(keepAlive);
      for (const socket of wsServer.clients) socket.close(1001, 'Going away');
      wsServer.removeAllListeners();
      await new Promise<void>((resolve, reject) => wsServer.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
