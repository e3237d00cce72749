package dev.c360.neo4jlocal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j Community embedded with Bolt on 127.0.0.1 until SIGTERM.
 *
 * Usage: java ... dev.c360.neo4jlocal.Main --data DIR [--port N] [--pagecache MB] [--exit-on-stdin-eof]
 * Prints "NEO4J_LOCAL_READY bolt://127.0.0.1:PORT" once the default database is available;
 * the Node side waits for that line, then for the driver to connect.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    Path data = null;
    int port = 7687;
    long pageCacheMb = 256;
    boolean watchStdin = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--pagecache" -> pageCacheMb = Long.parseLong(args[++i]);
        case "--exit-on-stdin-eof" -> watchStdin = true;
        default -> fail("unknown argument " + args[i]);
      }
    }
    if (data == null) fail("--data DIR is required");
    Files.createDirectories(data);

    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data.toAbsolutePath())
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
        .setConfig(HttpConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.auth_enabled, false)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
        .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
        .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
        // Bolt's two Netty groups otherwise wait a 5 s quiet period each on shutdown: 10 s per stop.
        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
        .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5))
        .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("NEO4J_LOCAL_STOPPING");
      dbms.shutdown();
      stopped.countDown();
    }, "neo4j-local-shutdown"));

    boolean available = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(120_000);
    if (!available) {
      System.err.println("neo4j-local: the default database did not become available within 120 s");
      System.exit(2);
    }
    System.out.println("NEO4J_LOCAL_READY bolt://127.0.0.1:" + port);
    System.out.flush();
    if (watchStdin) exitWhenStdinCloses();
    stopped.await();
  }

  /** The parent holds our stdin open; when it dies, even by SIGKILL, stdin closes and we stop instead of lingering. */
  private static void exitWhenStdinCloses() {
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Input is ignored: only the end of it matters.
        }
      } catch (java.io.IOException ignored) {
        // A broken pipe means the parent is gone, too.
      }
      System.exit(0);
    }, "neo4j-local-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void fail(String message) {
    System.err.println("neo4j-local: " + message);
    System.exit(64);
  }
}
