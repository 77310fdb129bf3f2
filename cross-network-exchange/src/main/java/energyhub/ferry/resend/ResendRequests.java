package energyhub.ferry.resend;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import energyhub.ferry.FerryManifest;
import energyhub.ferry.FerryProperties;
import energyhub.ferry.signing.AckSigner;
import energyhub.routing.inbox.IntakeNames;
import energyhub.routing.quality.QualityReports;
import energyhub.routing.quality.ResendLog;
import energyhub.routing.quality.SenderBindings;
import energyhub.routing.quality.QualityProperties;
import energyhub.standard.RecordValidator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * 补传 requests (docs/resend-request.md): for each sender whose series have holes in the data-quality
 * ledger, one outbound ferry package of kind {@code RESEND_REQUEST} asking for the missing periods. This
 * bean decides what to write ({@link #plan}) and records what was written ({@link #written}); the route
 * {@code quality-resend-requests-write} writes the files into the ferry outbox (temp name, then rename; the
 * data file before its manifest). With signatures on ({@code hub.ferry.signatures} warn or required) and the
 * hub's key ({@code hub.ferry.ack-key-file}) the manifest is a v2 one signed by the hub's key (a DSSE envelope,
 * as the exchange servers' are), so the internet side can check it with {@code ferry-signer verify} and the
 * hub's published key; with signatures off it stays v1.
 */
@Component
public class ResendRequests {

    private static final Logger log = LoggerFactory.getLogger(ResendRequests.class);

    public static final String KIND = "RESEND_REQUEST";
    /** Header: who asked (schedule, or the operator); kept in the ledger's dq_resend_request. */
    public static final String REQUESTED_BY = "hubRequestedBy";
    /** Exchange property: the package the split is writing. */
    static final String PACKAGE = "hubResendPackage";
    /**
     * A recipient named in a file name: a plain identifier {@code [0-9A-Za-z-]{1,64}}, so never one holding
     * {@code _RESEND_REQUEST_}, a dot or a path (the ledger binds only these; checked again here).
     */
    static final Pattern RECIPIENT = SenderBindings.PLAIN_SENDER;
    /** Enterprises named in the log line and the summary of series nobody can be asked for, at most. */
    static final int MAX_NAMED_ENTERPRISES = 50;

    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
    private static final DateTimeFormatter CREATED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final ResendLog ledger;
    private final QualityProperties properties;
    private final Clock clock;
    private final FerryProperties ferry;
    private final AckSigner signer;
    /** seq6 of the file names; starts anywhere so that two hubs writing in the same millisecond differ. */
    private final AtomicInteger seq = new AtomicInteger(new SecureRandom().nextInt(1_000_000));

    public ResendRequests(ResendLog ledger, QualityProperties properties, Clock clock, FerryProperties ferry,
            AckSigner signer) {
        this.ledger = ledger;
        this.properties = properties;
        this.clock = clock;
        this.ferry = ferry;
        this.signer = signer;
    }

    /**
     * One package to write: the data file's name and bytes, its manifest's bytes, and what it asks for;
     * {@code signedBy}: the hub's key id when the manifest is a signed v2 one, null for v1.
     */
    public record ResendPackage(String recipient, String batchId, String dataName, byte[] data, byte[] manifest,
            int series, int slots, String signedBy) {
        public String manifestName() {
            return dataName + FerryManifest.SUFFIX;
        }
    }

    /** One line of a request's data file: one series and its missing periods (statDates). */
    record Line(String enterpriseCode, String dataCode, String statType, List<String> periods) {
    }

    /**
     * What a run writes, and what it cannot ask over the ferry: series without a known sender (TCP,
     * suppliers) and series whose sender is not a plain identifier.
     */
    public record Plan(List<ResendPackage> packages, int leftForNextRequest, int unaddressedSeries,
            int unaddressedSlots, List<String> unaddressedEnterprises, List<String> refusedRecipients) {
    }

    /** A file written, as the operator API answers it. */
    public record Written(String recipient, String batchId, String file, int series, int slots) {
    }

    /** The answer of a run: the files written (all of the plan: a failure stops the run with an error). */
    public record Summary(List<Written> files, int slots, int leftForNextRequest, int unaddressedSeries,
            int unaddressedSlots, List<String> unaddressedEnterprises, List<String> refusedRecipients) {
    }

    /** The packages of this run, one per recipient with holes, each listing at most resend-max-slots periods. */
    public Plan plan() {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(RecordValidator.CHINA));
        boolean sign = ferry.getSignatures() != FerryProperties.Signatures.OFF && signer.signs();
        int maxSlots = Math.max(1, properties.getResendMaxSlots());
        List<ResendPackage> packages = new ArrayList<>();
        int left = 0;
        int unaddressedSeries = 0;
        int unaddressedSlots = 0;
        TreeSet<String> enterprises = new TreeSet<>();
        List<String> refused = new ArrayList<>();
        for (ResendLog.Holes holes : ledger.holesToRequest()) {
            String recipient = holes.recipient();
            if (recipient == null || !acceptableRecipient(recipient)) {
                if (recipient != null) {
                    refused.add(IntakeNames.escape(recipient));
                    log.warn("补传: sender {} is not a plain identifier; its {} series ({} missing periods) are not "
                            + "asked over the ferry", IntakeNames.escape(recipient), holes.series().size(), holes.slots());
                }
                unaddressedSeries += holes.series().size();
                unaddressedSlots += holes.slots();
                holes.series().forEach(s -> enterprises.add(s.enterpriseCode()));
                continue;
            }
            List<Line> lines = new ArrayList<>();
            left += holes.beyond(); // the ledger lists at most resend-max-slots periods per recipient
            int budget = maxSlots;
            for (QualityReports.SeriesQuality s : holes.series()) {
                int take = Math.min(budget, s.missing().size());
                left += s.missing().size() - take;
                if (take > 0) {
                    lines.add(new Line(s.enterpriseCode(), s.dataCode(), Integer.toString(s.statType()),
                            List.copyOf(s.missing().subList(0, take))));
                    budget -= take;
                }
            }
            if (!lines.isEmpty()) {
                packages.add(pack(recipient, lines, maxSlots - budget, now, sign));
            }
        }
        if (!packages.isEmpty() && ferry.getSignatures() != FerryProperties.Signatures.OFF && !sign) {
            log.warn("补传: {} requests written with unsigned v1 manifests: hub.ferry.signatures is {} but the hub has "
                    + "no key of its own (hub.ferry.ack-key-file); the senders cannot check where they come from",
                    packages.size(), ferry.getSignatures().name().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> named = enterprises.stream().limit(MAX_NAMED_ENTERPRISES).toList();
        if (unaddressedSeries > 0) {
            log.warn("补传: {} series ({} missing periods) of {} enterprises have no ferry sender to ask (TCP, "
                    + "supplier data, or a sender that is not a plain identifier): {}{}; see the operator API",
                    unaddressedSeries, unaddressedSlots, enterprises.size(), named,
                    enterprises.size() > named.size() ? " and " + (enterprises.size() - named.size()) + " more" : "");
        }
        if (left > 0) {
            log.info("补传: {} missing periods beyond hub.quality.resend-max-slots ({}) per file wait for the next request",
                    left, maxSlots);
        }
        return new Plan(packages, left, unaddressedSeries, unaddressedSlots, named, refused);
    }

    /** The packages of a plan (the route writes them one after another). */
    public List<ResendPackage> packages(Plan plan) {
        return plan.packages();
    }

    /** The body and name of a package's data file. */
    public void dataFile(Exchange exchange) {
        ResendPackage p = exchange.getProperty(PACKAGE, ResendPackage.class);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, p.dataName());
        exchange.getMessage().setBody(p.data());
    }

    /** The body and name of a package's manifest (written once its data file is in place). */
    public void manifestFile(Exchange exchange) {
        ResendPackage p = exchange.getProperty(PACKAGE, ResendPackage.class);
        exchange.getMessage().setHeader(Exchange.FILE_NAME, p.manifestName());
        exchange.getMessage().setBody(p.manifest());
    }

    /** Records a package written in the ledger (dq_resend_request) and logs it. */
    public void written(@ExchangeProperty(PACKAGE) ResendPackage p, @Header(REQUESTED_BY) String by) {
        String who = by == null || by.isBlank() ? "on-demand" : by;
        ledger.requested(p.recipient(), p.batchId(), p.dataName(), p.slots(), who);
        log.info("补传 request to {}: {} ({} series, {} missing periods), batch {}, requested by {}, {}", p.recipient(),
                p.dataName(), p.series(), p.slots(), p.batchId(), who,
                p.signedBy() == null ? "manifest v1 (unsigned)" : "manifest v2 signed by key " + p.signedBy());
    }

    /** What a run wrote: every package of its plan (a failure ends the run with an error before this). */
    public Summary summary(Plan plan) {
        List<Written> files = plan.packages().stream()
                .map(p -> new Written(p.recipient(), p.batchId(), p.dataName(), p.series(), p.slots())).toList();
        return new Summary(files, files.stream().mapToInt(Written::slots).sum(), plan.leftForNextRequest(),
                plan.unaddressedSeries(), plan.unaddressedSlots(), plan.unaddressedEnterprises(),
                plan.refusedRecipients());
    }

    /** A recipient that may name a file: a plain identifier, and the name it gives an acceptable one. */
    static boolean acceptableRecipient(String recipient) {
        return RECIPIENT.matcher(recipient).matches()
                && IntakeNames.acceptable(recipient + "_" + KIND + "_00000000000000000_000000.jsonl.manifest");
    }

    private ResendPackage pack(String recipient, List<Line> lines, int slots, ZonedDateTime now, boolean sign) {
        String dataName = recipient + "_" + KIND + "_" + now.format(NAME_TIME) + "_"
                + String.format("%06d", Math.floorMod(seq.getAndIncrement(), 1_000_000)) + ".jsonl";
        if (!acceptableRecipient(recipient) || !IntakeNames.acceptable(dataName + FerryManifest.SUFFIX)) {
            throw new IllegalArgumentException("not a name for the outbox: " + IntakeNames.escape(dataName));
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Line line : lines) {
            data.writeBytes(json(line));
            data.write('\n');
        }
        byte[] bytes = data.toByteArray();
        String batchId = UUID.randomUUID().toString();
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("batchId", batchId);
        manifest.put("sender", properties.getHubSender());
        manifest.put("recipient", recipient);
        manifest.put("kind", KIND);
        manifest.put("createdAt", now.format(CREATED_AT));
        if (sign) {
            // v2 (docs/ferry-contract.md): how long it stands, and the province of the hub that asks (which the
            // re-sent DATA packages carry as their target)
            manifest.put("notAfter", now.plus(ferry.getMaxPackageLifetime()).format(CREATED_AT));
            manifest.put("target", ferry.getTarget() == null ? "" : ferry.getTarget());
        }
        manifest.put("recordCount", lines.size());
        manifest.put("byteSize", bytes.length);
        manifest.put("sha256", sha256(bytes));
        if (sign) {
            manifest.put("sm3", energyhub.signing.Sm3.hex(bytes));
        }
        manifest.put("schemaVersion", "1.0");
        byte[] payload = json(manifest);
        // signed: the envelope of these exact payload bytes (never re-serialised), by the hub's key
        return new ResendPackage(recipient, batchId, dataName, bytes, sign ? signer.signManifest(payload) : payload,
                lines.size(), slots, sign ? signer.keyId() : null);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
