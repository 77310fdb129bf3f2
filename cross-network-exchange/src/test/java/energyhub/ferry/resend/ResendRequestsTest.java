package energyhub.ferry.resend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import energyhub.ferry.FerryProperties;
import energyhub.ferry.signing.AckSigner;
import energyhub.ferry.signing.FerryKey;
import energyhub.ferry.signing.KeyRegistry;
import energyhub.signing.Dsse;
import energyhub.signing.FerrySignerCommand;
import energyhub.signing.FerryVerifier;
import energyhub.signing.KeyAlgorithm;
import energyhub.signing.Sm2;
import energyhub.routing.quality.QualityReports.SeriesQuality;
import energyhub.routing.quality.ResendLog;
import energyhub.routing.quality.ResendLog.Holes;
import energyhub.routing.quality.QualityProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 补传 request writer and its route on a plain CamelContext, with the ledger's holes given: names, contents,
 * manifests that match their data files, the slot bound, the data file complete before its manifest, and
 * recipients that must not name a file refused.
 */
class ResendRequestsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** 2026-12-01 07:00:00.000 China time. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T23:00:00Z"), ZoneOffset.UTC);
    private static final String A = "91530100MA6NX4QW2G";
    private static final String B = "91350100M000100Y43";

    @TempDir
    Path outbox;

    /** The ledger's read side as given; what is recorded as requested is kept. */
    static class GivenLedger extends ResendLog {
        final List<Holes> holes;
        final List<List<Object>> requested = new CopyOnWriteArrayList<>();

        GivenLedger(List<Holes> holes) {
            super(null, null, new QualityProperties());
            this.holes = holes;
        }

        @Override
        public List<Holes> holesToRequest() {
            return holes;
        }

        @Override
        public void requested(String recipient, String batchId, String fileName, int slots, String by) {
            requested.add(List.of(recipient, batchId, fileName, slots, by));
        }
    }

    static SeriesQuality series(String enterprise, String dataCode, int statType, String sender, String... missing) {
        return new SeriesQuality(enterprise, dataCode, statType, false, 0, 0, 0, 0, 0, sender, List.of(missing),
                missing.length);
    }

    private ResendRequests.Summary run(GivenLedger ledger, int maxSlots, java.util.function.Consumer<DefaultCamelContext> advice)
            throws Exception {
        return run(ledger, maxSlots, outbox, advice);
    }

    /** The ferry settings of a run: signatures off and no hub key unless a test says otherwise. */
    FerryProperties ferry = new FerryProperties();
    AckSigner signer = signer(ferry);

    /** The hub's signer as the hub has it, with the registry's database left out (nothing is registered). */
    static AckSigner signer(FerryProperties ferry) {
        KeyRegistry registry = new KeyRegistry(null, ferry, CLOCK) {
            @Override
            public FerryKey get(String keyId) {
                throw new NoSuchElementException(keyId);
            }

            @Override
            public java.util.Optional<Entry> find(String keyId) {
                return java.util.Optional.empty();
            }

            @Override
            public FerryKey register(FerryKey k) {
                return k;
            }
        };
        return new AckSigner(ferry, registry);
    }

    /** Gives the hub its key (made on this start, as the dev profile does), as hub.ferry.ack-key-file. */
    Path hubKey() throws Exception {
        Path key = outbox.resolveSibling(outbox.getFileName() + "-keys").resolve("hub.key.pem");
        ferry.setAckKeyFile(key.toString());
        ferry.setAckKeyGenerate(true);
        ferry.setAckKeyId("province-hub-key");
        signer.load();
        Path pub = key.resolveSibling("hub.pub.pem");
        Files.writeString(pub, Sm2.publicPem(Sm2.publicOf(Sm2.readPrivate(Files.readString(key)))));
        return pub;
    }

    private ResendRequests.Summary run(GivenLedger ledger, int maxSlots, Path outbox,
            java.util.function.Consumer<DefaultCamelContext> advice) throws Exception {
        QualityProperties quality = new QualityProperties();
        quality.setResendCron("");
        quality.setResendMaxSlots(maxSlots);
        quality.setHubSender("province-hub");
        ferry.setOutbox(outbox.toString());
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new ResendFailurePolicy());
            camel.addRoutes(new ResendRequestRoute(new ResendRequests(ledger, quality, CLOCK, ferry, signer), quality,
                    ferry));
            advice.accept(camel);
            camel.start();
            assertThat(camel.getRoute(ResendRequestRoute.ROUTE_ID)).as("empty cron: no scheduled route").isNull();
            return camel.createProducerTemplate().requestBodyAndHeader(ResendRequestRoute.ENDPOINT, null,
                    ResendRequests.REQUESTED_BY, "operator:tester", ResendRequests.Summary.class);
        }
    }

    private List<String> outboxNames() throws Exception {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void onePackagePerRecipientWhoseManifestDescribesItsDataFile() throws Exception {
        GivenLedger ledger = new GivenLedger(List.of(
                new Holes(A, List.of(
                        series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00", "2026-11-27 00:00:00"),
                        series(B, "0000000001500001", 0, A, "2026-11-29 10:00:00", "2026-11-29 10:15:00",
                                "2026-11-29 10:30:00"))),
                new Holes("exchange-b-zone", List.of(series(B, "0000000002330001", 2, "exchange-b-zone",
                        "2026-11-01 00:00:00"))),
                new Holes(null, List.of(series("91110000600037341L", "0000000002330001", 0, null,
                        "2026-11-29 00:00:00", "2026-11-29 00:15:00")))));

        ResendRequests.Summary summary = run(ledger, 100_000, c -> {
        });

        List<String> names = outboxNames();
        assertThat(names).hasSize(4).allMatch(n -> !n.startsWith(".writing-"));
        String dataA = names.stream().filter(n -> n.startsWith(A + "_") && n.endsWith(".jsonl")).findFirst().orElseThrow();
        String dataB = names.stream().filter(n -> n.startsWith("exchange-b-zone_") && n.endsWith(".jsonl")).findFirst()
                .orElseThrow();
        assertThat(dataA).matches(A + "_RESEND_REQUEST_20261201070000000_\\d{6}\\.jsonl");
        assertThat(dataB).matches("exchange-b-zone_RESEND_REQUEST_20261201070000000_\\d{6}\\.jsonl");
        assertThat(names).contains(dataA + ".manifest", dataB + ".manifest");

        byte[] data = Files.readAllBytes(outbox.resolve(dataA));
        List<String> lines = Files.readAllLines(outbox.resolve(dataA));
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.get("enterpriseCode").asText()).isEqualTo(A);
        assertThat(first.get("dataCode").asText()).isEqualTo("0000000002330001");
        assertThat(first.get("statType").isTextual()).isTrue();
        assertThat(first.get("statType").asText()).isEqualTo("1");
        assertThat(JSON.convertValue(first.get("periods"), List.class))
                .containsExactly("2026-11-25 00:00:00", "2026-11-27 00:00:00");
        assertThat(JSON.readTree(lines.get(1)).get("periods")).hasSize(3);

        JsonNode manifest = JSON.readTree(outbox.resolve(dataA + ".manifest").toFile());
        assertThat(manifest.get("kind").asText()).isEqualTo("RESEND_REQUEST");
        assertThat(manifest.get("sender").asText()).isEqualTo("province-hub");
        assertThat(manifest.get("recipient").asText()).isEqualTo(A);
        assertThat(manifest.get("recordCount").asLong()).isEqualTo(2);
        assertThat(manifest.get("byteSize").asLong()).isEqualTo(data.length).isEqualTo(Files.size(outbox.resolve(dataA)));
        assertThat(manifest.get("sha256").asText()).isEqualTo(ResendRequests.sha256(data))
                .isEqualTo(java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(data)));
        assertThat(manifest.get("createdAt").asText()).isEqualTo("2026-12-01T07:00:00.000+08:00");
        assertThat(manifest.get("schemaVersion").asText()).isEqualTo("1.0");
        String batchA = manifest.get("batchId").asText();
        assertThat(java.util.UUID.fromString(batchA)).isNotNull();

        assertThat(ledger.requested).containsExactlyInAnyOrder(
                List.of(A, batchA, dataA, 5, "operator:tester"),
                List.of("exchange-b-zone", JSON.readTree(outbox.resolve(dataB + ".manifest").toFile()).get("batchId")
                        .asText(), dataB, 1, "operator:tester"));
        assertThat(summary.files()).extracting(ResendRequests.Written::file).containsExactly(dataA, dataB);
        assertThat(summary.slots()).isEqualTo(6);
        assertThat(summary.leftForNextRequest()).isZero();
        // series nobody can be asked over the ferry: counted, for the operator
        assertThat(summary.unaddressedSeries()).isEqualTo(1);
        assertThat(summary.unaddressedSlots()).isEqualTo(2);
        assertThat(summary.unaddressedEnterprises()).containsExactly("91110000600037341L");
    }

    @Test
    void aFileListsAtMostResendMaxSlotsTheRestWaitForTheNextRequest() throws Exception {
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00", "2026-11-26 00:00:00", "2026-11-27 00:00:00"),
                series(A, "0000000002330002", 1, A, "2026-11-25 00:00:00", "2026-11-26 00:00:00"),
                series(A, "0000000002330003", 1, A, "2026-11-25 00:00:00")))));

        ResendRequests.Summary summary = run(ledger, 4, c -> {
        });

        String data = outboxNames().stream().filter(n -> n.endsWith(".jsonl")).findFirst().orElseThrow();
        List<String> lines = Files.readAllLines(outbox.resolve(data));
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).get("periods")).hasSize(3);
        assertThat(JSON.convertValue(JSON.readTree(lines.get(1)).get("periods"), List.class))
                .containsExactly("2026-11-25 00:00:00");
        assertThat(JSON.readTree(outbox.resolve(data + ".manifest").toFile()).get("recordCount").asInt()).isEqualTo(2);
        assertThat(summary.slots()).isEqualTo(4);
        assertThat(summary.leftForNextRequest()).isEqualTo(2);
        assertThat(ledger.requested).singleElement().satisfies(r -> assertThat(r.get(3)).isEqualTo(4));
    }

    @Test
    void periodsTheLedgerLeftUnlistedAreCountedForTheNextRequest() throws Exception {
        // the ledger lists at most resend-max-slots periods per recipient and counts the rest (beyond)
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00", "2026-11-26 00:00:00")), 7)));

        ResendRequests.Summary summary = run(ledger, 2, c -> {
        });

        assertThat(summary.slots()).isEqualTo(2);
        assertThat(summary.leftForNextRequest()).isEqualTo(7);
    }

    @Test
    void theDataFileIsCompleteUnderItsNameBeforeTheManifestIsWritten() throws Exception {
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00")))));
        List<List<String>> seenBeforeManifest = new ArrayList<>();
        List<Long> dataSizeBeforeManifest = new ArrayList<>();

        run(ledger, 100, camel -> {
            try {
                AdviceWith.adviceWith(camel, ResendRequestRoute.WRITE_ROUTE_ID, a -> a
                        .weaveById("quality-resend-write-manifest").before().process(e -> {
                            List<String> names = outboxNames();
                            seenBeforeManifest.add(names);
                            String data = e.getProperty(ResendRequests.PACKAGE, ResendRequests.ResendPackage.class)
                                    .dataName();
                            dataSizeBeforeManifest.add(Files.size(outbox.resolve(data)));
                        }));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        String data = outboxNames().stream().filter(n -> n.endsWith(".jsonl")).findFirst().orElseThrow();
        // when the manifest is about to be written, the data file is there under its own name, whole, and alone
        assertThat(seenBeforeManifest).containsExactly(List.of(data));
        assertThat(dataSizeBeforeManifest).containsExactly(Files.size(outbox.resolve(data)));
        assertThat(outboxNames()).containsExactly(data, data + ".manifest");
    }

    @Test
    void aRecipientThatIsNotAPlainIdentifierNamesNoFile() throws Exception {
        List<Holes> holes = new ArrayList<>();
        for (String hostile : List.of("../outbox-escape", "a/b", "..", ".hidden", "x\ny", "C:\\evil", "a b",
                "x".repeat(65), "名字", "victim_RESEND_REQUEST_20261201060000000_000001.jsonl", "a_b", "a.b")) {
            holes.add(new Holes(hostile, List.of(series(A, "0000000002330001", 1, hostile, "2026-11-25 00:00:00"))));
        }
        GivenLedger ledger = new GivenLedger(holes);

        ResendRequests.Summary summary = run(ledger, 100, c -> {
        });

        assertThat(outboxNames()).isEmpty();
        assertThat(Files.list(outbox.getParent()).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.contains("RESEND_REQUEST"));
        assertThat(ledger.requested).isEmpty();
        assertThat(summary.files()).isEmpty();
        assertThat(summary.refusedRecipients()).hasSize(12).contains("\"x\\u000ay\"");
        assertThat(summary.unaddressedSeries()).isEqualTo(12);
        assertThat(summary.unaddressedEnterprises()).containsExactly(A);
    }

    /**
     * With signatures on and the hub's key, a request's manifest is v2, signed by the hub's key: the internet
     * side's command verifies it (and that the data file is the one signed) with the hub's published key;
     * one byte changed in either file is refused.
     */
    @Test
    void withSignaturesOnTheHubSignsItsRequestAndTheCommandVerifiesIt() throws Exception {
        ferry.setSignatures(FerryProperties.Signatures.REQUIRED);
        ferry.setTarget("53");
        Path pub = hubKey();
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00", "2026-11-27 00:00:00")))));

        run(ledger, 100, c -> {
        });

        String data = outboxNames().stream().filter(n -> n.endsWith(".jsonl")).findFirst().orElseThrow();
        Path manifest = outbox.resolve(data + ".manifest");
        Dsse.Envelope envelope = Dsse.parse(Files.readAllBytes(manifest));
        assertThat(envelope.payloadType()).isEqualTo(Dsse.MANIFEST_TYPE);
        assertThat(envelope.signatures()).singleElement().satisfies(s -> assertThat(s.keyid()).isEqualTo("province-hub-key"));
        var out = new java.io.ByteArrayOutputStream();
        FerrySignerCommand command = new FerrySignerCommand(new java.io.PrintStream(out, true),
                new java.io.PrintStream(out, true));

        assertThat(command.run("verify", "--pub", pub.toString(), "--keyid", "province-hub-key", "--manifest",
                manifest.toString())).as(out.toString()).isZero();
        assertThat(out.toString()).contains("data file " + outbox.resolve(data) + " matches");

        // what the recipient reads: the v1 fields, the recipient, and v2's notAfter, target and sm3, all signed
        FerryVerifier.VerifiedManifest v = FerryVerifier.manifest(Files.readAllBytes(manifest), "province-hub-key",
                KeyAlgorithm.SM2, Sm2.readPublic(Files.readString(pub)), outbox.resolve(data));
        assertThat(v.dataChecked()).isTrue();
        JsonNode m = v.payload();
        assertThat(m.get("kind").asText()).isEqualTo("RESEND_REQUEST");
        assertThat(m.get("recipient").asText()).isEqualTo(A);
        assertThat(m.get("sender").asText()).isEqualTo("province-hub");
        assertThat(m.get("createdAt").asText()).isEqualTo("2026-12-01T07:00:00.000+08:00");
        assertThat(m.get("notAfter").asText()).isEqualTo("2026-12-08T07:00:00.000+08:00"); // hub.ferry.max-package-lifetime
        assertThat(m.get("target").asText()).isEqualTo("53");
        assertThat(m.get("recordCount").asInt()).isEqualTo(1);
        assertThat(m.get("sm3").asText()).isEqualTo(energyhub.signing.Sm3.hex(Files.readAllBytes(outbox.resolve(data))));
        assertThat(m.get("batchId").asText()).isEqualTo(ledger.requested.get(0).get(1));

        // one byte of the data file changed (same length): refused
        byte[] bytes = Files.readAllBytes(outbox.resolve(data));
        Path copy = Files.createDirectories(outbox.resolveSibling("tampered"));
        byte[] changed = bytes.clone();
        changed[changed.length - 5] = (byte) (changed[changed.length - 5] == '0' ? '1' : '0'); // a digit of a period
        Files.write(copy.resolve(data), changed);
        Files.copy(manifest, copy.resolve(data + ".manifest"));
        assertThat(command.run("verify", "--pub", pub.toString(), "--keyid", "province-hub-key", "--manifest",
                copy.resolve(data + ".manifest").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("DIGEST_MISMATCH");
        // one byte of the signed manifest changed (the recipient named in it): refused
        Files.write(copy.resolve(data), bytes);
        byte[] payload = envelope.payload().clone();
        String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
        int at = text.indexOf(A);
        payload[at] = (byte) (payload[at] + 1);
        Files.write(copy.resolve(data + ".manifest"), Dsse.write(new Dsse.Envelope(envelope.payloadType(), payload,
                envelope.signatures())));
        out.reset();
        assertThat(command.run("verify", "--pub", pub.toString(), "--keyid", "province-hub-key", "--manifest",
                copy.resolve(data + ".manifest").toString())).isEqualTo(1);
        assertThat(out.toString()).contains("SIGNATURE_INVALID");
    }

    @Test
    void withSignaturesOffTheManifestStaysV1EvenWithTheHubsKey() throws Exception {
        hubKey(); // the hub signs its ACK files, but signatures are off: requests keep the v1 contract
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00")))));

        run(ledger, 100, c -> {
        });

        String data = outboxNames().stream().filter(n -> n.endsWith(".jsonl")).findFirst().orElseThrow();
        JsonNode manifest = JSON.readTree(outbox.resolve(data + ".manifest").toFile());
        assertThat(manifest.has("payloadType")).isFalse();
        assertThat(manifest.get("kind").asText()).isEqualTo("RESEND_REQUEST");
        assertThat(manifest.has("sm3")).isFalse();
        assertThat(manifest.has("notAfter")).isFalse();
    }

    @Test
    void withSignaturesOnButNoHubKeyTheManifestIsV1() throws Exception {
        ferry.setSignatures(FerryProperties.Signatures.WARN);
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00")))));

        run(ledger, 100, c -> {
        });

        String data = outboxNames().stream().filter(n -> n.endsWith(".jsonl")).findFirst().orElseThrow();
        JsonNode manifest = JSON.readTree(outbox.resolve(data + ".manifest").toFile());
        assertThat(manifest.has("payloadType")).isFalse();
        assertThat(manifest.get("recipient").asText()).isEqualTo(A);
    }

    @Test
    void anOutboxThatCannotBeWrittenFailsTheRunForItsCallerAndRecordsNothing() throws Exception {
        GivenLedger ledger = new GivenLedger(List.of(new Holes(A, List.of(
                series(A, "0000000002330001", 1, A, "2026-11-25 00:00:00")))));
        Path notADirectory = Files.writeString(outbox.resolve("not-a-directory"), "x");

        assertThatThrownBy(() -> run(ledger, 100, notADirectory, c -> {
        })).isInstanceOf(org.apache.camel.CamelExecutionException.class);

        assertThat(ledger.requested).isEmpty();
        assertThat(outboxNames()).containsExactly("not-a-directory");
    }
}
