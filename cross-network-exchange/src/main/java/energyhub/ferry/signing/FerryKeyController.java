package energyhub.ferry.signing;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The ferry key registry through the operator API (docs/ferry-contract.md, "Keys"): GET lists the keys with
 * their public keys (viewers: the hub's own key is published here), POST registers one, PUT changes its
 * status (RETIRING or REVOKED, with a reason). The cockpit's web security guards {@code /api/operator/**}
 * (GET for viewers, anything else for operators); every change reaches the audit chain by the table's trigger.
 */
@RestController
@RequestMapping(path = "/api/operator/ferry-keys", produces = "application/json")
public class FerryKeyController {

    private final KeyRegistry registry;

    public FerryKeyController(KeyRegistry registry) {
        this.registry = registry;
    }

    /** What an operator registers. */
    public record NewKey(String keyId, FerryKey.OwnerKind ownerKind, String owner, Set<String> speaksFor,
            String algorithm, String publicKey, Instant notBefore, Instant notAfter) {
    }

    public record StatusChange(FerryKey.Status status, String reason) {
    }

    @GetMapping
    public List<FerryKey> list() {
        return registry.list();
    }

    @GetMapping("/{keyId}")
    public FerryKey get(@PathVariable String keyId) {
        return registry.get(keyId);
    }

    @PostMapping(consumes = "application/json")
    public ResponseEntity<FerryKey> register(@RequestBody NewKey k, Principal principal) {
        FerryKey saved = registry.register(new FerryKey(k.keyId(), k.ownerKind(), k.owner(), k.speaksFor(),
                k.algorithm(), k.publicKey(), k.notBefore(), k.notAfter(), null, null, null, by(principal), null));
        return ResponseEntity.status(HttpStatus.CREATED).body(saved);
    }

    @PutMapping(path = "/{keyId}/status", consumes = "application/json")
    public FerryKey status(@PathVariable String keyId, @RequestBody StatusChange change, Principal principal) {
        return registry.changeStatus(keyId, change.status(), change.reason(), by(principal));
    }

    private static String by(Principal p) {
        return p == null ? "operator-api" : "operator:" + p.getName();
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> bad(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(IllegalStateException.class)
    ResponseEntity<Map<String, String>> conflict(IllegalStateException e) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<Map<String, String>> missing(NoSuchElementException e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", e.getMessage()));
    }
}
