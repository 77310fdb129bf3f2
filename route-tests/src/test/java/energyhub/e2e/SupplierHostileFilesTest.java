package energyhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import energyhub.e2e.support.SupplierHubTest;
import energyhub.routing.inbox.IntakeNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Supplier files written by an attacker (issue 10): links, FIFOs and bad names in a supplier's local
 * inbox, on its SFTP server and in the registry import folder are refused unread with a report, never
 * followed; a valid file beside each is routed once to each queue; the link targets stay untouched.
 */
class SupplierHostileFilesTest extends SupplierHubTest {

    static final Path OUTSIDE = tempDir("supplier-outside");

    /** A valid one-row CSV of account 0531000002 for a day of November (unique per day). */
    static byte[] validCsv(int day) {
        String d = String.format("2026-11-%02d", day);
        return SupplierElectricityTest.csv(StandardCharsets.UTF_8, true,
                "0531000002,某某钢铁有限公司,MP02,日," + d + "," + d + ",500,520,80,1600,0,0,0,0,1100.00",
                "合计,1,,,,,,,,1600,,,,,");
    }

    void assertValidBesideArrivesOnce(String supplier, String name) throws Exception {
        JsonNode report = awaitReport(supplier, name);
        assertThat(report.get("status").asText()).isEqualTo("ACCEPTED");
        String batchId = batchIdOf(supplier, name);
        for (var platform : List.of(national, provincial)) {
            assertThat(records(platform, batchId)).hasSize(1);
        }
    }

    static void assertRefused(JsonNode report, String code) {
        assertThat(report.get("status").asText()).isEqualTo("REJECTED");
        assertThat(report.toString()).contains(code).doesNotContain("0531000009");
    }

    @Test
    void aLinkedFileInTheLocalInboxIsRefusedUnreadAndItsTargetUntouched() throws Exception {
        Path outside = tempDir("supplier-link-target");
        Path target = Files.write(outside.resolve("secret.csv"), SupplierElectricityTest.csv(StandardCharsets.UTF_8, true,
                "0531000009,外部,MP09,日,2026-11-01,2026-11-01,0,1,1,1,0,0,0,0,1.00", "合计,1,,,,,,,,1,,,,,"));
        FileTime mtime = Files.getLastModifiedTime(target);
        byte[] bytes = Files.readAllBytes(target);
        Path inbox = Files.createDirectories(supplierDir("grid1").resolve("inbox"));
        String name = "ELEC_YNDW_20261110_101.csv";
        Files.createSymbolicLink(inbox.resolve(name), target);
        drop("grid1", "ELEC_YNDW_20261110_102.csv", validCsv(10));

        assertRefused(awaitReport("grid1", name), "NOT_REGULAR_FILE");
        assertValidBesideArrivesOnce("grid1", "ELEC_YNDW_20261110_102.csv");
        Path kept = supplierDir("grid1").resolve("refused").resolve(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.isSymbolicLink(kept));
        assertThat(Files.readString(supplierDir("grid1").resolve("refused").resolve(name + ".reason.txt")))
                .contains("NOT_REGULAR_FILE");
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(mtime);
        try (var list = Files.list(outside)) {
            assertThat(list.toList()).containsExactly(target);
        }
    }

    @Test
    void aFifoInTheLocalInboxIsRefusedWithoutBlocking() throws Exception {
        Path inbox = Files.createDirectories(supplierDir("grid1").resolve("inbox"));
        String name = "ELEC_YNDW_20261111_103.csv";
        assertThat(new ProcessBuilder("mkfifo", inbox.resolve(name).toString()).start().waitFor()).isZero();
        drop("grid1", "ELEC_YNDW_20261111_104.csv", validCsv(11));

        assertRefused(awaitReport("grid1", name), "NOT_REGULAR_FILE");
        assertValidBesideArrivesOnce("grid1", "ELEC_YNDW_20261111_104.csv");
        assertThat(supplierDir("grid1").resolve("refused").resolve(name)).exists();
    }

    @Test
    void aBadNameIsRefusedUnderAGeneratedName() throws Exception {
        String name = "ELEC_YNDW_..\\..\\x_105.csv";
        drop("grid1", name, validCsv(12));
        drop("grid1", "ELEC_YNDW_20261112_106.csv", validCsv(13));

        String safe = IntakeNames.safeName(name);
        assertRefused(awaitReport("grid1", safe), "BAD_NAME");
        assertValidBesideArrivesOnce("grid1", "ELEC_YNDW_20261112_106.csv");
        assertThat(Files.readString(supplierDir("grid1").resolve("refused").resolve(safe + ".reason.txt")))
                .contains("original name: " + IntakeNames.escape(name));
        assertThat(supplierDir("grid1").resolve("inbox").resolve(name)).doesNotExist();
    }

    @Test
    void aLinkOnTheSupplierSftpServerIsNotFetched() throws Exception {
        Path target = Files.write(OUTSIDE.resolve("remote-secret.csv"), SupplierElectricityTest.csv(StandardCharsets.UTF_8,
                true, "0531000009,外部,MP09,日,2026-11-02,2026-11-02,0,1,1,1,0,0,0,0,1.00", "合计,1,,,,,,,,1,,,,,"));
        Path dir = Files.createDirectories(SFTP.root().resolve("grid"));
        String name = "ELEC_YNDW_20261114_107.csv";
        Files.createSymbolicLink(dir.resolve(name), target);
        Path valid = Files.write(dir.resolve("ELEC_YNDW_20261114_108.csv"), validCsv(14));
        Files.setLastModifiedTime(valid, FileTime.from(Instant.now().minusSeconds(5)));

        assertRefused(awaitReport("grid3", name), "NOT_REGULAR_FILE");
        assertValidBesideArrivesOnce("grid3", "ELEC_YNDW_20261114_108.csv");
        assertThat(Files.readString(target)).contains("0531000009");
    }

    @Test
    void aLinkedRegistryCsvIsRefusedUnread() throws Exception {
        Path target = Files.writeString(OUTSIDE.resolve("accounts.csv"), "not,an,account\n");
        Path folder = Files.createDirectories(dataDir().resolve("suppliers/registry-import"));
        Files.createSymbolicLink(folder.resolve("linked.csv"), target);

        Path problems = folder.resolve("failed/linked.csv.problems.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(problems));
        assertThat(Files.readString(problems)).contains("NOT_REGULAR_FILE");
        assertThat(Files.exists(folder.resolve("failed/linked.csv"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("not,an,account\n");
    }
}
