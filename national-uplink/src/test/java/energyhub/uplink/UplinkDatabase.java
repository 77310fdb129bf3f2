package energyhub.uplink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** A fresh database on the local PostgreSQL with the uplink's migration applied; dropped by {@link #close()}. */
final class UplinkDatabase implements AutoCloseable {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    final String name = "uplink_test_" + System.currentTimeMillis() / 1000 + "_"
            + UUID.randomUUID().toString().substring(0, 8);

    UplinkDatabase() throws Exception {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(new java.net.InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no PostgreSQL on 127.0.0.1:5432 (.ci/run starts one)");
        }
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("create database " + name);
        }
        // the audit chain's intake as monitoring's V200 makes it (the hub moves its rows into the hash chain)
        jdbc().execute("create table audit_pending (id bigserial primary key, at timestamptz not null default "
                + "clock_timestamp(), action text not null, subject text, result text not null, detail text, "
                + "batch_pk bigint)");
        try (var migrations = Files.list(Path.of("src/main/resources/db/migration"))) {
            for (Path m : migrations.filter(p -> p.getFileName().toString().matches("V3\\d\\d__.*\\.sql")).sorted()
                    .toList()) {
                jdbc().execute(Files.readString(m));
            }
        }
    }

    /** A JdbcTemplate on its own connections (each call a new connection: two of them are two hubs). */
    JdbcTemplate jdbc() {
        return new JdbcTemplate(new SimpleDriverDataSource(new org.postgresql.Driver(), SERVER + name, "postgres", ""));
    }

    @Override
    public void close() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "")) {
            c.createStatement().execute("drop database if exists " + name + " with (force)");
        }
    }
}
