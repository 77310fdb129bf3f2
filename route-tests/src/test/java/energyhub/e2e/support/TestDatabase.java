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
    /** Test databases older than this are leftovers of earlier runs. */
    private static final long LEFTOVER_AGE_SECONDS = 6 * 3600;
    private static final Boolean AVAILABLE = probe();

    private TestDatabase() {
    }

    /** A new, empty database's JDBC URL (dropped by the next run). */
    public static Optional<String> create() {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        // the creation time in the name: leftovers are dropped only when old, never a database a test
        // run going on in parallel has between two starts of its hub (no connection for a moment)
        String name = "hub_e2e_" + System.currentTimeMillis() / 1000 + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return Optional.of(SERVER + name);
    }

    private static boolean probe() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (Exception e) {
            System.err.println("no PostgreSQL on 127.0.0.1:5432: the hub's embedded PostgreSQL is used");
            return false;
        }
        dropLeftovers();
        return true;
    }

    /**
     * Test databases of earlier runs, dropped here rather than at the end of a run, where the test
     * hubs may still be polling them. One still in use (a run going on in parallel) is left alone.
     */
    private static void dropLeftovers() {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            var rs = c.createStatement().executeQuery("select datname from pg_database d where datname like 'hub_e2e_%' "
                    + "and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)");
            java.util.List<String> names = new java.util.ArrayList<>();
            long cutoff = System.currentTimeMillis() / 1000 - LEFTOVER_AGE_SECONDS;
            while (rs.next()) {
                String name = rs.getString(1);
                String[] parts = name.split("_");
                // hub_e2e_<seconds>_<random>: older than the cut-off; names of the old form (no time) are old
                boolean old = parts.length != 4 || !parts[2].matches("\\d+") || Long.parseLong(parts[2]) < cutoff;
                if (old) {
                    names.add(name);
                }
            }
            for (String name : names) {
                try {
                    c.createStatement().execute("drop database if exists " + name);
                } catch (SQLException inUseMeanwhile) {
                    // harmless: it is dropped by a later run
                }
            }
        } catch (SQLException e) {
            System.err.println("could not drop old test databases: " + e.getMessage());
        }
    }
}
