package dev.c360.neo4jlocal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

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
 * Usage: java ... dev.c360.neo4jlocal.Main --data DIR [--port N] [--pagecache MB]
 * Prints "NEO4J_LOCAL_READY bolt://127.0.0.1:PORT" once the default database is available;
 * the Node side waits for that line, then for the driver to connect.
 */
public final class Main {
  public static void main(String[] args) throws Exception {
    Path data = null;
    int port = 7687;
    long pageCacheMb = 256;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[++i]);
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--pagecache" -> pageCacheMb = Long.parseLong(args[++i]);
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
    stopped.await();
  }

  private static void fail(String message) {
    System.err.println("neo4j-local: " + message);
    System.exit(64);
  }
}
