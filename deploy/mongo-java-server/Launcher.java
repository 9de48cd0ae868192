// Tiny launcher for the fallback MongoDB-wire server (deploy/infra.sh, step 5 of
// shared/spec/infra.md): mongo-java-server with its H2 backend, data in one MVStore file.
// Usage: java -cp <classes>:<jars>/* Launcher HOST PORT DB_FILE
// Runs until SIGTERM/SIGINT; the shutdown hook stops listening and closes the H2 store
// so the last writes are on disk.

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

public final class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Launcher HOST PORT DB_FILE");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path dbFile = Path.of(args[2]).toAbsolutePath();
        Path parent = dbFile.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }

        MongoServer server = new MongoServer(new H2Backend(dbFile.toString()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(); // also closes the H2Backend, flushing the MVStore file
            stopped.countDown();
        }, "mongo-java-server-shutdown"));

        try {
            server.bind(host, port);
        } catch (Exception e) { // netty rethrows the checked BindException undeclared
            // e.g. port taken; netty's threads are not daemons, so exit explicitly
            System.err.println("cannot listen on " + host + ":" + port + ": " + e);
            System.exit(1);
        }
        System.out.println("mongo-java-server (H2 backend) listening on " + host + ":" + port
                + ", data in " + dbFile);
        System.out.flush();
        stopped.await(); // block until the shutdown hook has run
    }
}
