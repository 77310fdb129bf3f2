package energyhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Drives the hub's ferry inbox like a gate: copies the packages' data files into the inbox, then
 * renames their manifests in one after another, and polls the outbox every 10 ms for the ACK files.
 * The backlog clock runs from the first manifest landing to the last backlog ACK. With a live
 * directory, one live package (data, then manifest) lands every second while the backlog drains, and
 * each one's manifest → ACK latency is recorded.
 *
 * <pre>Ferry LABEL HUB_DATA_DIR BACKLOG_DIR [LIVE_DIR] [TIMEOUT_S]</pre>
 * Prints {@code LABEL.*} lines and writes the landed data files (for the verifier) to
 * HUB_DATA_DIR/../LABEL-landed.txt. Exits 1 when an ACK is missing or not ACCEPTED with every record.
 */
public final class Ferry {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Pkg(Path data, Path manifest, long records) {
    }

    public static void main(String[] args) throws Exception {
        String label = args[0];
        Path hub = Path.of(args[1]);
        Path inbox = hub.resolve("ferry/inbox");
        Path outbox = hub.resolve("ferry/outbox");
        Path staging = hub.resolveSibling(label + "-staging");
        List<Pkg> backlog = packages(Path.of(args[2]));
        List<Pkg> live = args.length > 3 && !args[3].isEmpty() ? packages(Path.of(args[3])) : List.of();
        long timeoutNs = (args.length > 4 ? Long.parseLong(args[4]) : 1800) * 1_000_000_000L;
        Files.createDirectories(inbox);
        Files.createDirectories(staging);

        // the gate's copy: data files land first (not yet ready without their manifests)
        List<Path> landed = new ArrayList<>();
        long records = 0;
        for (Pkg p : backlog) {
            Files.copy(p.data(), inbox.resolve(p.data().getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(p.manifest(), staging.resolve(p.manifest().getFileName()), StandardCopyOption.REPLACE_EXISTING);
            landed.add(p.data());
            records += p.records();
        }
        for (Pkg p : live) {
            Files.copy(p.data(), staging.resolve(p.data().getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(p.manifest(), staging.resolve(p.manifest().getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }

        long start = System.nanoTime();
        for (Pkg p : backlog) {
            Files.move(staging.resolve(p.manifest().getFileName()), inbox.resolve(p.manifest().getFileName()),
                    StandardCopyOption.ATOMIC_MOVE);
        }
        long[] backlogAck = new long[backlog.size()];
        long[] liveLanded = new long[live.size()];
        long[] liveAck = new long[live.size()];
        java.time.Instant[] liveLandedAt = new java.time.Instant[live.size()];
        int liveSent = 0;
        long nextLive = start + 1_000_000_000L;
        int backlogDone = 0;
        int liveDone = 0;
        long lastProgress = start;
        while (backlogDone < backlog.size() || liveDone < liveSent) {
            long now = System.nanoTime();
            if (now - start > timeoutNs) {
                System.err.printf("%s: timed out with %d of %d backlog ACKs%n", label, backlogDone, backlog.size());
                break;
            }
            if (liveSent < live.size() && backlogDone < backlog.size() && now >= nextLive) {
                Pkg p = live.get(liveSent);
                Files.move(staging.resolve(p.data().getFileName()), inbox.resolve(p.data().getFileName()),
                        StandardCopyOption.ATOMIC_MOVE);
                Files.move(staging.resolve(p.manifest().getFileName()), inbox.resolve(p.manifest().getFileName()),
                        StandardCopyOption.ATOMIC_MOVE);
                liveLandedAt[liveSent] = java.time.Instant.now();
                liveLanded[liveSent++] = System.nanoTime();
                landed.add(p.data());
                nextLive += 1_000_000_000L;
            }
            for (int i = 0; i < backlog.size(); i++) {
                if (backlogAck[i] == 0 && Files.exists(ack(outbox, backlog.get(i)))) {
                    backlogAck[i] = System.nanoTime();
                    backlogDone++;
                }
            }
            for (int i = 0; i < liveSent; i++) {
                if (liveAck[i] == 0 && Files.exists(ack(outbox, live.get(i)))) {
                    liveAck[i] = System.nanoTime();
                    liveDone++;
                }
            }
            if (now - lastProgress > 10_000_000_000L) {
                System.err.printf("%s: %d of %d backlog ACKs after %.0f s, %d live packages landed%n", label,
                        backlogDone, backlog.size(), (now - start) / 1e9, liveSent);
                lastProgress = now;
            }
            Thread.sleep(10);
        }
        long end = Arrays.stream(backlogAck).max().orElse(start);
        double seconds = (end - start) / 1e9;

        StringBuilder out = new StringBuilder();
        boolean ok = backlogDone == backlog.size();
        long accepted = 0;
        Map<String, Integer> statuses = new TreeMap<>();
        for (Pkg p : backlog) {
            JsonNode a = readAck(outbox, p);
            statuses.merge(a == null ? "NO_ACK" : a.path("status").asText(), 1, Integer::sum);
            if (a != null) {
                accepted += a.path("accepted").asLong();
                ok &= a.path("status").asText().equals("ACCEPTED") && a.path("accepted").asLong() == p.records();
            }
        }
        ok &= accepted == records;
        out.append(label).append(".packages=").append(backlog.size()).append('\n')
                .append(label).append(".records=").append(records).append('\n')
                .append(label).append(".seconds=").append(String.format("%.2f", seconds)).append('\n')
                .append(label).append(".rate=").append(String.format("%.0f", records / seconds)).append('\n')
                .append(label).append(".accepted=").append(accepted).append('\n')
                .append(label).append(".statuses=").append(statuses).append('\n');
        if (!live.isEmpty()) {
            List<Double> latencies = new ArrayList<>();
            long liveAccepted = 0;
            Map<String, Integer> liveStatuses = new TreeMap<>();
            for (int i = 0; i < liveSent; i++) {
                JsonNode a = readAck(outbox, live.get(i));
                liveStatuses.merge(a == null ? "NO_ACK" : a.path("status").asText(), 1, Integer::sum);
                if (a != null) {
                    liveAccepted += a.path("accepted").asLong();
                }
                if (liveAck[i] != 0) {
                    latencies.add((liveAck[i] - liveLanded[i]) / 1e6);
                    // one line per live package, to match with the hub's log and ledger when the tail is studied
                    System.err.printf("%s: live %s landed %s, ACK file after %.0f ms%n", label,
                            live.get(i).data().getFileName(), liveLandedAt[i], (liveAck[i] - liveLanded[i]) / 1e6);
                }
                ok &= a != null && a.path("status").asText().equals("ACCEPTED");
            }
            latencies.sort(Double::compare);
            out.append(label).append(".live.n=").append(latencies.size()).append('\n')
                    .append(label).append(".live.landed=").append(liveSent).append('\n')
                    .append(label).append(".live.accepted=").append(liveAccepted).append('\n')
                    .append(label).append(".live.statuses=").append(liveStatuses).append('\n')
                    .append(label).append(".live.p50_ms=").append(pct(latencies, 50)).append('\n')
                    .append(label).append(".live.p99_ms=").append(pct(latencies, 99)).append('\n')
                    .append(label).append(".live.max_ms=").append(pct(latencies, 100)).append('\n');
        }
        out.append(label).append(".ok=").append(ok).append('\n');
        Files.write(hub.resolveSibling(label + "-landed.txt"), landed.stream().map(Path::toString).toList());
        System.out.print(out);
        System.exit(ok ? 0 : 1);
    }

    static String pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return String.format("%.0f", sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))));
    }

    static Path ack(Path outbox, Pkg p) {
        return outbox.resolve(p.data().getFileName() + ".ack.json");
    }

    static JsonNode readAck(Path outbox, Pkg p) throws IOException {
        Path a = ack(outbox, p);
        return Files.exists(a) ? JSON.readTree(a.toFile()) : null;
    }

    static List<Pkg> packages(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jsonl")).sorted().map(p -> {
                try {
                    Path m = Path.of(p + ".manifest");
                    return new Pkg(p, m, JSON.readTree(m.toFile()).path("recordCount").asLong());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
