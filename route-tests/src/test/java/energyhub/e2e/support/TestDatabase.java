package energyhub.e2e.support;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh database on the PostgreSQL at 127.0.0.1:5432 (trust authentication) when one answers;
 * empty otherwise, and the hub then runs its own embedded PostgreSQL under its data directory.
 */
public final class TestDatabase {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final Boolean AVAILABLE = probe();

    private TestDatabase() {
    }

    /** A new, empty database's JDBC URL, dropped when the test JVM ends. */
    public static Optional<String> create() {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        String name = "hub_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
                c.createStatement().execute("drop database if exists " + name + " with (force)");
            } catch (SQLException ignored) {
                // best effort: a left-over test database harms nothing
            }
        }));
        return Optional.of(SERVER + name);
    }

    private static boolean probe() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (Exception e) {
            System.err.println("no PostgreSQL on 127.0.0.1:5432: the hub's embedded PostgreSQL is used");
            return false;
        }
        return true;
    }
}
