package energyhub.routing.quality;

import java.sql.PreparedStatement;
import java.util.Collection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The ways the ledger's classes talk to PostgreSQL beyond plain JdbcTemplate calls: a read by cursor, statements
 * over the text[] columns of an {@code unnest} (the quality ledger's, and the audit trail's page of events), and
 * statements over one bigint[] of row ids (a page of audit events, the batches a page of them names).
 */
public final class LedgerSql {

    private LedgerSql() {
    }

    /**
     * The same database, reading row by row (a fetch size) for the reports; call it inside a read-only
     * transaction, else PostgreSQL hands every row at once. Null for null (a test's stand-in).
     */
    static JdbcTemplate cursor(JdbcTemplate jdbc) {
        if (jdbc == null) {
            return null;
        }
        JdbcTemplate cursor = new JdbcTemplate(jdbc.getDataSource());
        cursor.setFetchSize(500);
        return cursor;
    }

    /** Runs a statement whose parameters are the text[] columns of an {@code unnest}, one callback per row it returns. */
    static void unnest(JdbcTemplate jdbc, String sql, String[][] cols, RowCallbackHandler rows) {
        jdbc.query(statement(sql, cols), rows);
    }

    /**
     * Runs an insert or update whose parameters are the text[] columns of an {@code unnest}: one statement for many
     * rows, where a JDBC batch has PostgreSQL execute one statement a row. Returns the rows it changed.
     */
    public static int unnestUpdate(JdbcTemplate jdbc, String sql, String[][] cols) {
        return jdbc.update(statement(sql, cols));
    }

    /** A statement whose one parameter is a bigint[] of ids ({@code ... where id = any(?)}). */
    public static PreparedStatementCreator ids(String sql, Collection<Long> ids) {
        Long[] array = ids.toArray(Long[]::new);
        return con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            ps.setArray(1, con.createArrayOf("bigint", array));
            return ps;
        };
    }

    private static PreparedStatementCreator statement(String sql, String[][] cols) {
        return con -> {
            PreparedStatement ps = con.prepareStatement(sql);
            for (int c = 0; c < cols.length; c++) {
                ps.setArray(c + 1, con.createArrayOf("text", cols[c]));
            }
            return ps;
        };
    }
}
