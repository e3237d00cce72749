import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/** What every connection's context carries from the transport: its socket and the peer's address. */
export type SocketExtra = { readonly socket: WebSocket; readonly remoteAddress: string | undefined };

/**
 * Above this many bytes waiting on a socket, a send waits until they are written: a subscriber that does not read
 * slows its own stream (whose buffer then ends it), never the instance's memory.
 */
const HIGH_WATER_BYTES = 1 << 20;

/** Sockets pinged whose pong has not come back yet. */
const unanswered = new WeakSet<WebSocket>();

function answered(this: WebSocket): void {
  unanswered.delete(this);
}

/**
 * graphql-ws over a `ws` server, in place of graphql-ws's own `useServer`. The protocol is graphql-ws's
 * (makeServer); what differs is what each connection costs while it waits, which is most of its life:
 * - one keep-alive timer for the server instead of an interval, a timeout and a `once` listener per connection;
 * - an incoming message is handed over without an async frame of its own, which for a subscribe message held the
 *   message buffer as long as the subscription was open;
 * - no upgrade request (headers and all) kept in the context, only the peer's address;
 * - a send does not wait for its write unless the socket is backed up, so a delivery costs no promise and callback.
 */
export function serveGraphqlWs<P extends Record<string, unknown>, E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, E & SocketExtra>,
  wsServer: WebSocketServer,
  {
    keepAliveMs = 12_000,
    onSocketError,
    onInternalError,
  }: {
    keepAliveMs?: number;
    /** A socket failed (ws has closed it, or closes it now). */
    onSocketError: (error: Error & { code?: string }) => void;
    /** Handling a message or a close failed: the connection is closed with 1011. */
    onInternalError: (error: unknown) => void;
  },
): { dispose(): Promise<void> } {
  const server = makeServer(options);
  wsServer.options.handleProtocols = handleProtocols;

  // A socket that has not answered the previous ping within keepAliveMs is gone (a peer that vanished closes nothing).
  const keepAlive = setInterval(() => {
    for (const socket of wsServer.clients) {
      if (unanswered.has(socket)) {
        socket.terminate();
        continue;
      }
      unanswered.add(socket);
      socket.ping();
    }
  }, keepAliveMs);
  keepAlive.unref();

  const internalError = (socket: WebSocket, error: unknown) => {
    onInternalError(error);
    socket.close(CloseCode.InternalServerError, 'Internal server error');
  };

  wsServer.on('connection', (socket, request) => {
    socket.on('pong', answered);
    socket.on('error', (error) => {
      onSocketError(error);
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    const extra = { socket, remoteAddress: request.socket.remoteAddress } as E & SocketExtra;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) => {
          if (socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount < HIGH_WATER_BYTES) return void socket.send(data);
          return new Promise<void>((resolve) => socket.send(data, () => resolve()));
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch((error: unknown) => internalError(socket, error));
          }),
      },
      extra,
    );
    socket.on('close', (code, reason) => {
      unanswered.delete(socket);
      void closed(code, String(reason)).catch(onInternalError);
    });
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
