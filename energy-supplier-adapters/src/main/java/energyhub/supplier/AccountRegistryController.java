package energyhub.supplier;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operators' API of the account registry and of the unmatched supplier rows. Meant for the
 * {@code operator} role: the hub's web security (a separate part) guards {@code /api/operator/**};
 * this controller itself checks nothing. Every change re-matches the unmatched rows.
 */
@RestController
@RequestMapping("/api/operator/accounts")
public class AccountRegistryController {

    private static final int MAX_IMPORT_BYTES = 20 * 1024 * 1024;

    private final AccountRegistry registry;
    private final JdbcTemplate jdbc;

    public AccountRegistryController(AccountRegistry registry, JdbcTemplate jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
    }

    /** The fields of an account an operator sets; the key is in the path. */
    public record AccountEdit(String enterpriseCode, String dataCode, Boolean active) {
    }

    @GetMapping
    public List<Account> list(@RequestParam(required = false) String supplierCode) {
        return registry.list(supplierCode);
    }

    @PutMapping("/{supplierCode}/{accountType}/{accountNo}")
    public Account save(@PathVariable String supplierCode, @PathVariable int accountType, @PathVariable String accountNo,
            @RequestBody AccountEdit edit, Principal principal) {
        Account a = new Account(supplierCode, accountType, accountNo, edit.enterpriseCode(), edit.dataCode(),
                edit.active() == null || edit.active());
        registry.save(a, by(principal));
        return a;
    }

    /** A CSV with the header {@code accountType,accountNo,supplierCode,enterpriseCode,dataCode,active}; all or nothing. */
    @PostMapping(path = "/import", consumes = {"text/csv", "text/plain"})
    public Map<String, Object> importCsv(HttpServletRequest request, Principal principal) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_IMPORT_BYTES + 1);
        if (body.length > MAX_IMPORT_BYTES) {
            throw new AccountRegistry.InvalidAccountException(List.of(new AccountRegistry.Problem(0,
                    "the file is larger than " + MAX_IMPORT_BYTES + " bytes")));
        }
        String csv;
        try {
            csv = ElectricityCsv.decode(body);
        } catch (CharacterCodingException e) {
            throw new AccountRegistry.InvalidAccountException(List.of(new AccountRegistry.Problem(0,
                    "the file is neither UTF-8 nor GBK")));
        }
        return Map.of("imported", registry.importCsv(csv, by(principal)));
    }

    /** Supplier rows waiting for an account (status OPEN), or already routed after a registry change. */
    @GetMapping("/unmatched")
    public List<Map<String, Object>> unmatched(@RequestParam(defaultValue = "OPEN") String status,
            @RequestParam(defaultValue = "500") int limit) {
        return jdbc.queryForList("select u.id, u.supplier, u.supplier_code, u.account_type, u.account_no, f.file_name, u.line, "
                + "u.reason, u.raw_row, u.status, u.routed_batch_id, u.received_at, u.routed_at from supplier_unmatched u "
                + "join supplier_file f on f.id = u.file_pk where u.status = ? order by u.id limit ?",
                status, Math.max(1, Math.min(limit, 5000)));
    }

    @ExceptionHandler(AccountRegistry.InvalidAccountException.class)
    ResponseEntity<Map<String, Object>> invalid(AccountRegistry.InvalidAccountException e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("problems", e.problems()));
    }

    private static String by(Principal principal) {
        return principal == null ? "operator-api" : "operator:" + principal.getName();
    }
}
