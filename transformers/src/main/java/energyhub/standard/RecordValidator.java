package energyhub.standard;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a record against every rule of contracts §1 and reports all failures, each with a reason code.
 * A record that fails is rejected as received, never "fixed"; the only normalisation of a valid record is
 * filling an empty convertRation from the energy-type table. Immutable and thread-safe.
 */
public final class RecordValidator {

    /** Contract times are China Standard Time. */
    public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    public static final Duration DEFAULT_FUTURE_TOLERANCE = Duration.ofMinutes(10);
    /** STRICT with {@code uuuu} rejects 2026-02-29 and 24:00:00 instead of quietly moving them. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    /**
     * The years a statDate or uploadDate may have (inclusive): energy data of this century. Outside them a
     * date is {@code OUT_OF_RANGE}: year 0000 is no date PostgreSQL stores (its ledger row was refused and
     * the package re-staged for ever, issue 20), dates before 1582 turn into other days through
     * {@code java.sql.Timestamp}'s Julian calendar, and no province's 补传 reaches back to the last century.
     */
    public static final int EARLIEST_YEAR = 2000;
    public static final int LATEST_YEAR = 2099;

    static final int VERSION_MAX_CHARS = 10;
    static final int DATA_VALUE_MAX_CHARS = 15;
    /** Energy-type code is segment 5 of dataCode: process(0-2) unit(2-4) equipment(4-8) class(8-10) type(10-14). */
    static final int TYPE_START = 10;
    static final int TYPE_END = 14;
    static final String COMPOSITE_TYPE = "0000";

    static final int DATA_CODE_MIN_DIGITS = 14;
    static final int DATA_CODE_MAX_DIGITS = 18;
    private static final Set<String> VALID_CODES = Set.of("0", "1");
    private static final Set<String> SCOPE_CODES = Set.of("1", "2", "3", "4");
    private static final Set<String> INPUT_TYPE_CODES = Set.of("1", "2", "3", "4", "5", "6", "7");
    private static final Map<String, String> STAT_PERIODS =
            Map.of("0", "real-time", "1", "day", "2", "month", "3", "year");

    private final EnergyTypeTable table;
    private final Clock clock;
    private final Duration futureTolerance;

    public RecordValidator(EnergyTypeTable table, Clock clock) {
        this(table, clock, DEFAULT_FUTURE_TOLERANCE);
    }

    /** @param futureTolerance how far uploadDate may lie ahead of the clock (sender clocks drift) */
    public RecordValidator(EnergyTypeTable table, Clock clock, Duration futureTolerance) {
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.futureTolerance = Objects.requireNonNull(futureTolerance, "futureTolerance");
        if (futureTolerance.isNegative()) {
            throw new IllegalArgumentException("futureTolerance must not be negative: " + futureTolerance);
        }
    }

    public Validation validate(EnergyRecord r) {
        Objects.requireNonNull(r, "record");
        List<RecordError> errors = new ArrayList<>();

        UnifiedSocialCreditCode.error("enterpriseCode", r.enterpriseCode()).ifPresent(errors::add);
        checkVersion(errors, "regVersion", r.regVersion());
        checkVersion(errors, "dicVersion", r.dicVersion());

        boolean dataCodeOk = false;
        if (isEmpty(r.dataCode())) {
            errors.add(missing("dataCode"));
        } else if (!isDataCode(r.dataCode())) {
            errors.add(new RecordError("dataCode", "BAD_FORMAT", "dataCode " + RecordError.shown(r.dataCode())
                    + " is not 14 to 18 digits"));
        } else {
            dataCodeOk = true;
        }

        if (isEmpty(r.dataValue())) {
            errors.add(missing("dataValue"));
        } else if (r.dataValue().length() > DATA_VALUE_MAX_CHARS) {
            errors.add(new RecordError("dataValue", "TOO_LONG", "dataValue " + RecordError.shown(r.dataValue())
                    + " has " + r.dataValue().length() + " characters, at most " + DATA_VALUE_MAX_CHARS
                    + " are allowed"));
        } else if (!Decimals.isPlain(r.dataValue())) {
            errors.add(notDecimal("dataValue", r.dataValue()));
        }

        String convertRation = r.convertRation();
        if (isEmpty(convertRation)) {
            if (dataCodeOk) { // otherwise there is no energy type to look up, and dataCode is already reported
                String type = r.dataCode().substring(TYPE_START, TYPE_END);
                Optional<String> ratio = COMPOSITE_TYPE.equals(type)
                        ? Optional.of("1") // 综合能耗 is already in tce (contract rule, not a coefficient)
                        : table.find(type).map(EnergyType::convertRation);
                if (ratio.isPresent()) {
                    convertRation = ratio.get();
                } else {
                    errors.add(new RecordError("convertRation", "UNKNOWN_ENERGY_TYPE", "convertRation is empty"
                            + " and energy type " + RecordError.shown(type) + " (dataCode "
                            + RecordError.shown(r.dataCode()) + ", characters 11-14) is not in the energy-type table"));
                }
            }
        } else if (!Decimals.isPlain(convertRation)) {
            errors.add(notDecimal("convertRation", convertRation));
        }

        checkCode(errors, "valid", r.valid(), VALID_CODES, "0 suspect or 1 valid");
        checkCode(errors, "scope", r.scope(), SCOPE_CODES, "1 to 4");
        checkCode(errors, "inputType", r.inputType(), INPUT_TYPE_CODES, "1 to 7");
        boolean statTypeOk = checkCode(errors, "statType", r.statType(), STAT_PERIODS.keySet(),
                "0 real-time, 1 day, 2 month or 3 year");

        LocalDateTime statDate = timestamp(errors, "statDate", r.statDate());
        if (statDate != null && statTypeOk && !isPeriodStart(statDate, r.statType())) {
            errors.add(new RecordError("statDate", "NOT_PERIOD_START", "statDate " + RecordError.shown(r.statDate())
                    + " is not the start of a " + STAT_PERIODS.get(r.statType()) + " period (statType "
                    + r.statType() + ")"));
        }

        LocalDateTime uploadDate = timestamp(errors, "uploadDate", r.uploadDate());
        if (uploadDate != null) {
            if (statDate != null && uploadDate.isBefore(statDate)) {
                errors.add(new RecordError("uploadDate", "BEFORE_STAT_DATE", "uploadDate "
                        + RecordError.shown(r.uploadDate()) + " is before statDate " + RecordError.shown(r.statDate())));
            }
            LocalDateTime latest = LocalDateTime.ofInstant(clock.instant(), CHINA).plus(futureTolerance);
            if (uploadDate.isAfter(latest)) {
                errors.add(new RecordError("uploadDate", "IN_FUTURE", "uploadDate " + RecordError.shown(r.uploadDate())
                        + " is more than " + describe(futureTolerance) + " ahead of the hub's clock (China Standard"
                        + " Time, latest accepted " + TIMESTAMP.format(latest) + ")"));
            }
        }

        if (!errors.isEmpty()) {
            return new Validation(r, errors);
        }
        return new Validation(Objects.equals(convertRation, r.convertRation()) ? r : r.withConvertRation(convertRation),
                List.of());
    }

    /** Real-time: on a quarter hour; day: midnight; month: the 1st at midnight; year: 1 January at midnight. */
    static boolean isPeriodStart(LocalDateTime t, String statType) {
        boolean midnight = t.getHour() == 0 && t.getMinute() == 0 && t.getSecond() == 0;
        return switch (statType) {
            case "0" -> t.getMinute() % 15 == 0 && t.getSecond() == 0;
            case "1" -> midnight;
            case "2" -> midnight && t.getDayOfMonth() == 1;
            case "3" -> midnight && t.getDayOfYear() == 1;
            default -> throw new IllegalArgumentException("statType " + statType);
        };
    }

    private static void checkVersion(List<RecordError> errors, String field, String value) {
        if (isEmpty(value)) {
            errors.add(missing(field));
        } else if (value.length() > VERSION_MAX_CHARS) {
            errors.add(new RecordError(field, "TOO_LONG", field + " " + RecordError.shown(value) + " has "
                    + value.length() + " characters, at most " + VERSION_MAX_CHARS + " are allowed"));
        }
    }

    /** @return whether the value is present and in its set */
    private static boolean checkCode(List<RecordError> errors, String field, String value, Set<String> codes,
                                     String allowed) {
        if (isEmpty(value)) {
            errors.add(missing(field));
            return false;
        }
        if (!codes.contains(value)) {
            errors.add(new RecordError(field, "BAD_CODE", field + " " + RecordError.shown(value)
                    + " is not an allowed " + field + " code (" + allowed + ")"));
            return false;
        }
        return true;
    }

    /** @return the parsed time, or null (with an error recorded) when absent, malformed or out of range */
    private static LocalDateTime timestamp(List<RecordError> errors, String field, String value) {
        if (isEmpty(value)) {
            errors.add(missing(field));
            return null;
        }
        LocalDateTime t = null;
        try {
            if (isTimestampShape(value)) {
                // the shape is checked: the fields are read by position (a DateTimeFormatter took 8 % of the
                // hub's CPU); LocalDateTime.of is as strict as the STRICT formatter (no 2026-02-29, no 24:00:00)
                t = LocalDateTime.of(digits(value, 0, 4), digits(value, 5, 7), digits(value, 8, 10),
                        digits(value, 11, 13), digits(value, 14, 16), digits(value, 17, 19));
            }
        } catch (java.time.DateTimeException e) {
            // falls through: an impossible date such as 2026-02-29 is a format error too
        }
        if (t == null) {
            errors.add(new RecordError(field, "BAD_FORMAT", field + " " + RecordError.shown(value)
                    + " is not a real date and time in the form yyyy-MM-dd HH:mm:ss"));
            return null;
        }
        if (t.getYear() < EARLIEST_YEAR || t.getYear() > LATEST_YEAR) {
            // no further rule compares it: its only error is the range
            errors.add(new RecordError(field, "OUT_OF_RANGE", field + " " + RecordError.shown(value)
                    + " is outside the years " + EARLIEST_YEAR + " to " + LATEST_YEAR + " the hub accepts"));
            return null;
        }
        return t;
    }

    /** {@code [0-9]{14,18}}; the character checks here replaced regular expressions (5 % of the hub's CPU). */
    static boolean isDataCode(String s) {
        int n = s.length();
        return n >= DATA_CODE_MIN_DIGITS && n <= DATA_CODE_MAX_DIGITS && Decimals.allDigits(s, 0, n);
    }

    /**
     * {@code [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}}, checked before the fields are read by
     * position: a formatter alone would accept e.g. a signed or 5-digit year.
     */
    static boolean isTimestampShape(String s) {
        return s.length() == 19 && Decimals.allDigits(s, 0, 4) && s.charAt(4) == '-' && Decimals.allDigits(s, 5, 7)
                && s.charAt(7) == '-' && Decimals.allDigits(s, 8, 10) && s.charAt(10) == ' ' && Decimals.allDigits(s, 11, 13)
                && s.charAt(13) == ':' && Decimals.allDigits(s, 14, 16) && s.charAt(16) == ':' && Decimals.allDigits(s, 17, 19);
    }

    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }

    private static RecordError missing(String field) {
        return new RecordError(field, "MISSING", field + " is missing or empty");
    }

    private static RecordError notDecimal(String field, String value) {
        return new RecordError(field, "BAD_FORMAT", field + " " + RecordError.shown(value)
                + " is not a plain decimal (digits, optional leading minus and fraction; no exponent or separators)");
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    private static String describe(Duration d) {
        return d.getSeconds() % 60 == 0 && d.getNano() == 0 ? d.toMinutes() + " minutes" : d.toString();
    }
}
