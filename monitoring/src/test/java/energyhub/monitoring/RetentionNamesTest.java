package energyhub.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The names the retention purges go by: archive day folders and a quarantined package's files. */
class RetentionNamesTest {

    @Test
    void aDayFolderIsAPathEndingInARealDate() {
        assertThat(Retention.dayOf(Path.of("2026/10/01"))).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(Retention.dayOf(Path.of("exchange-a/2026/10/01"))).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(Retention.dayOf(Path.of("2026/10"))).as("a month folder").isNull();
        assertThat(Retention.dayOf(Path.of("2026/02/30"))).as("no such day").isNull();
        assertThat(Retention.dayOf(Path.of("2026/1/01"))).isNull();
        assertThat(Retention.dayOf(Path.of("x/2026/10/01.bak"))).isNull();
    }

    @Test
    void aQuarantinedDataFilesManifestCarriesItsNumber() {
        assertThat(Retention.manifestOf("A.jsonl")).isEqualTo("A.jsonl.manifest");
        assertThat(Retention.manifestOf("A.jsonl.gz.3")).isEqualTo("A.jsonl.gz.manifest.3");
        assertThat(Retention.manifestOf("stray.bin")).isEqualTo("stray.bin.manifest");
    }
}
