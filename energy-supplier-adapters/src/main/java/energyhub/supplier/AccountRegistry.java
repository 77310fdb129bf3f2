package energyhub.supplier;

import energyhub.standard.UnifiedSocialCreditCode;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The account registry (户号 → enterprise, contracts section 4) in PostgreSQL. Every change publishes a
 * {@link RegistryChanged} event after its commit, upon which unmatched rows are matched again.
 */
@Component
public class AccountRegistry {

    /** The columns of an import file, in this order, with this header row. */
    public static final List<String> CSV_HEADER = List.of("accountType", "accountNo", "supplierCode", "enterpriseCode",
            "dataCode", "active");
    private static final Pattern DATA_CODE = Pattern.compile("\\d{14,18}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{1,40}");
    private static final Pattern ACCOUNT_NO = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    static final int MAX_IMPORT_ROWS = 200_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;

    public AccountRegistry(JdbcTemplate jdbc, TransactionTemplate tx, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
    }

    /** The registry changed; {@code by} is the operator or the import file. */
    public record RegistryChanged(String by) {
    }

    /** One problem of an edit or import line. */
    public record Problem(int line, String message) {
    }

    public static class InvalidAccountException extends IllegalArgumentException {
        private final transient List<Problem> problems;

        public InvalidAccountException(List<Problem> problems) {
            super(problems.toString());
            this.problems = problems;
        }

        public List<Problem> problems() {
            return problems;
        }
    }

    public Optional<Account> find(String supplierCode, int accountType, String accountNo) {
        return jdbc.query("select * from supplier_account where supplier_code = ? and account_type = ? and account_no = ?",
                (rs, i) -> new Account(rs.getString("supplier_code"), rs.getInt("account_type"), rs.getString("account_no"),
                        rs.getString("enterprise_code"), rs.getString("data_code"), rs.getBoolean("active")),
                supplierCode, accountType, accountNo).stream().findFirst();
    }

    public List<Account> list(String supplierCode) {
        return jdbc.query("select * from supplier_account where (cast(? as text) is null or supplier_code = ?) "
                        + "order by supplier_code, account_type, account_no",
                (rs, i) -> new Account(rs.getString("supplier_code"), rs.getInt("account_type"), rs.getString("account_no"),
                        rs.getString("enterprise_code"), rs.getString("data_code"), rs.getBoolean("active")),
                supplierCode, supplierCode);
    }

    /** Adds or replaces one account. */
    public void save(Account account, String by) {
        List<Problem> problems = check(account, 0);
        if (!problems.isEmpty()) {
            throw new InvalidAccountException(problems);
        }
        tx.executeWithoutResult(s -> upsert(account, by));
        events.publishEvent(new RegistryChanged(by));
    }

    /** Imports a CSV (header {@link #CSV_HEADER}); all or nothing: one bad line refuses the whole file. */
    public int importCsv(String csv, String by) {
        List<Account> accounts = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (var parser = CSVFormat.DEFAULT.builder().setTrim(true).setIgnoreEmptyLines(true).get()
                .parse(new StringReader(csv.startsWith("\uFEFF") ? csv.substring(1) : csv))) {
            boolean header = true;
            for (CSVRecord row : parser) {
                int line = (int) row.getRecordNumber();
                if (header) {
                    header = false;
                    if (!row.toList().subList(0, Math.min(row.size(), CSV_HEADER.size())).equals(CSV_HEADER.subList(0,
                            Math.min(row.size(), CSV_HEADER.size()))) || row.size() < CSV_HEADER.size() - 1) {
                        throw new InvalidAccountException(List.of(new Problem(1, "header must be " + String.join(",", CSV_HEADER))));
                    }
                    continue;
                }
                if (accounts.size() >= MAX_IMPORT_ROWS) {
                    throw new InvalidAccountException(List.of(new Problem(line, "more than " + MAX_IMPORT_ROWS + " accounts")));
                }
                if (row.size() < 5) {
                    problems.add(new Problem(line, "expected " + CSV_HEADER.size() + " columns"));
                    continue;
                }
                int type;
                try {
                    type = Integer.parseInt(row.get(0));
                } catch (NumberFormatException e) {
                    problems.add(new Problem(line, "accountType '" + row.get(0) + "' is not 1..4"));
                    continue;
                }
                boolean active = row.size() < 6 || row.get(5).isEmpty() || Boolean.parseBoolean(row.get(5))
                        || "1".equals(row.get(5));
                Account a = new Account(row.get(2), type, row.get(1), row.get(3), row.get(4), active);
                problems.addAll(check(a, line));
                accounts.add(a);
            }
        } catch (IOException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new InvalidAccountException(List.of(new Problem(0, "not a CSV file: " + e.getMessage())));
        }
        if (!problems.isEmpty()) {
            throw new InvalidAccountException(problems);
        }
        tx.executeWithoutResult(s -> accounts.forEach(a -> upsert(a, by)));
        events.publishEvent(new RegistryChanged(by));
        return accounts.size();
    }

    private void upsert(Account a, String by) {
        jdbc.update("insert into supplier_account (supplier_code, account_type, account_no, enterprise_code, data_code, "
                + "active, updated_at, updated_by) values (?, ?, ?, ?, ?, ?, now(), ?) "
                + "on conflict (supplier_code, account_type, account_no) do update set enterprise_code = excluded.enterprise_code, "
                + "data_code = excluded.data_code, active = excluded.active, updated_at = now(), updated_by = excluded.updated_by",
                a.supplierCode(), a.accountType(), a.accountNo(), a.enterpriseCode(), a.dataCode(), a.active(), by);
    }

    static List<Problem> check(Account a, int line) {
        List<Problem> p = new ArrayList<>();
        if (a.accountType() < 1 || a.accountType() > 4) {
            p.add(new Problem(line, "accountType " + a.accountType() + " is not 1 (水), 2 (电), 3 (燃气) or 4 (热)"));
        }
        if (a.accountNo() == null || !ACCOUNT_NO.matcher(a.accountNo()).matches()) {
            p.add(new Problem(line, "accountNo '" + a.accountNo() + "' is not 1-64 letters, digits, - or _"));
        }
        if (a.supplierCode() == null || !CODE.matcher(a.supplierCode()).matches()) {
            p.add(new Problem(line, "supplierCode '" + a.supplierCode() + "' is not 1-40 letters, digits, - or _"));
        }
        UnifiedSocialCreditCode.problem(a.enterpriseCode())
                .ifPresent(why -> p.add(new Problem(line, "enterpriseCode: " + why)));
        if (a.dataCode() == null || !DATA_CODE.matcher(a.dataCode()).matches()) {
            p.add(new Problem(line, "dataCode '" + a.dataCode() + "' is not 14 to 18 digits"));
        }
        return p;
    }
}
