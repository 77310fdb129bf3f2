package energyhub.supplier;

import energyhub.routing.inbox.IntakeFiles;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.inbox.UntrustedFileFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Answers a supplier file the shared inbox filter ({@link UntrustedFileFilter}) refused: a bad name, or
 * a link, FIFO or other non-regular entry. Nothing of it is read. A local entry is renamed into
 * {@code {data-dir}/{supplier}/refused/} under its own name when acceptable, else under the generated
 * {@code refused-<hash>} ({@link IntakeNames#safeName}), with a {@code .reason.txt} quoting the original
 * name escaped; the file is recorded REJECTED through the routing core like any refused file, so the
 * supplier's per-file report ({@code reports/KEPT_NAME.report.json}) says why. A remote entry stays on
 * the server and is answered once per hub run. One WARN line per refusal.
 */
@Component
public class SupplierRefusals {

    private static final Logger log = LoggerFactory.getLogger(SupplierRefusals.class);

    private final SupplierProperties properties;
    private final SupplierIntake intake;

    public SupplierRefusals(SupplierProperties properties, SupplierIntake intake) {
        this.properties = properties;
        this.intake = intake;
    }

    /** The filter of a supplier's folder (local or SFTP), refusing into this supplier's report. */
    UntrustedFileFilter<?> filter(String supplier, java.util.regex.Pattern wanted, boolean remote) {
        String route = SupplierIntake.routeId(supplier);
        return remote
                ? UntrustedFileFilter.sftp(route, n -> wanted.matcher(n).matches(), n -> false, r -> refuse(supplier, r))
                : UntrustedFileFilter.local(route, n -> wanted.matcher(n).matches(), n -> false, r -> refuse(supplier, r));
    }

    void refuse(String supplier, UntrustedFileFilter.Refusal r) throws IOException {
        String kept = r.keptName();
        Path moved = null;
        if (r.localPath() != null) {
            Path dir = Path.of(properties.getDataDir(), supplier, "refused");
            moved = IntakeFiles.moveInto(r.localPath(), dir, kept);
            Files.writeString(dir.resolve((moved != null ? moved.getFileName().toString() : kept) + ".reason.txt"),
                    "refused " + r.code() + ": " + r.reason() + System.lineSeparator() + "original name: "
                            + IntakeNames.escape(r.name()) + System.lineSeparator() + "not opened, not read"
                            + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        String message = IntakeNames.escape(r.name()) + ": " + r.reason() + "; refused unread"
                + (kept.equals(r.name()) ? "" : ", kept as " + kept);
        intake.receive(supplier, kept, ("refused:" + r.name()).getBytes(StandardCharsets.UTF_8),
                ParsedFile.rejected("file", r.code(), message));
        log.warn("supplier {}: {} refused ({}: {}); {}, reported as {}.report.json", supplier,
                IntakeNames.escape(r.name()), r.code(), r.reason(), moved != null ? "moved to " + moved
                        : r.localPath() == null ? "left on the server" : "left in place", kept);
    }
}
