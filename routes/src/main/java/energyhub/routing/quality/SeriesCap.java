package energyhub.routing.quality;

import energyhub.standard.EnergyRecord;
import energyhub.standard.RecordError;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The distinct series one batch may bring (docs/data-quality.md, "Bounds"): at most
 * {@code max-series-per-package} in the package, and no new series of an enterprise that has
 * {@code max-series-per-enterprise} in the ledger. A record beyond either is refused with
 * {@value #CODE}, like any invalid record, and is neither delivered nor counted. Supplier records
 * (inputType 6) count towards the package's bound only: their series come from the account registry.
 * One per batch, used in its staging transaction.
 */
public final class SeriesCap {

    public static final String CODE = "TOO_MANY_SERIES";

    private record Key(String enterpriseCode, String dataCode, int statType, boolean supplier) {
    }

    /** An enterprise's own series: in the ledger when last counted, and admitted since (new or not). */
    private static final class Count {
        int known;
        int fresh;
    }

    private final int perPackage;
    private final int perEnterprise;
    private final ToIntFunction<String> ledgerCount;
    private final Predicate<QualityTally.SeriesKey> inLedger;
    private final Set<Key> admitted = new HashSet<>();
    private final Map<String, Count> enterprises = new HashMap<>();
    private int refused;
    private String example;

    SeriesCap(QualityProperties properties, ToIntFunction<String> ledgerCount,
            Predicate<QualityTally.SeriesKey> inLedger) {
        this.perPackage = Math.max(1, properties.getMaxSeriesPerPackage());
        this.perEnterprise = Math.max(1, properties.getMaxSeriesPerEnterprise());
        this.ledgerCount = ledgerCount;
        this.inLedger = inLedger;
    }

    /**
     * Null when the record's series may be staged, else why not. {@code flushPending} writes what the batch
     * gathered so far into the ledger (same transaction), so that the ledger's count is exact when an
     * enterprise comes near its bound.
     */
    public RecordError admit(EnergyRecord r, Runnable flushPending) {
        int statType = r.statType().charAt(0) - '0';
        boolean supplier = "6".equals(r.inputType());
        Key key = new Key(r.enterpriseCode(), r.dataCode(), statType, supplier);
        if (admitted.contains(key)) {
            return null;
        }
        if (admitted.size() >= perPackage) {
            return refuse("the package brings more than " + perPackage + " distinct series "
                    + "(hub.quality.max-series-per-package): a record of a further series (" + r.enterpriseCode() + ", "
                    + r.dataCode() + ", statType " + statType + ") is refused; send it in another package");
        }
        if (supplier) {
            admitted.add(key);
            return null;
        }
        Count c = enterprises.computeIfAbsent(r.enterpriseCode(), e -> {
            Count n = new Count();
            n.known = ledgerCount.applyAsInt(e);
            return n;
        });
        if (c.known + c.fresh < perEnterprise) {
            c.fresh++; // perhaps in the ledger already: an upper bound until counted again
            admitted.add(key);
            return null;
        }
        var series = new QualityTally.SeriesKey(r.enterpriseCode(), r.dataCode(), statType);
        if (inLedger.test(series)) {
            admitted.add(key);
            return null;
        }
        if (c.fresh > 0) {
            flushPending.run();
            c.known = ledgerCount.applyAsInt(r.enterpriseCode());
            c.fresh = 0;
            if (c.known < perEnterprise) {
                c.fresh++;
                admitted.add(key);
                return null;
            }
        }
        return refuse("enterprise " + r.enterpriseCode() + " has " + c.known + " series in the data-quality ledger, "
                + "the most it keeps (hub.quality.max-series-per-enterprise " + perEnterprise + "): a record of a new "
                + "series (dataCode " + r.dataCode() + ", statType " + statType + ") is refused");
    }

    private RecordError refuse(String message) {
        if (refused++ == 0) {
            example = message;
        }
        return new RecordError("dataCode", CODE, message);
    }

    /** Records refused so far. */
    public int refused() {
        return refused;
    }

    /** Why the first of them was refused (for the batch's log line); null when none was. */
    public String firstReason() {
        return example;
    }
}
