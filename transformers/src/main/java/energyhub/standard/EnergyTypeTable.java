package energyhub.standard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The 能源品种 code table (energy-data-standard.md §3): code → name, unit, default 折标系数.
 * Coefficients live in CSV, never in code: a province supplies its own table with {@link #load}.
 * Immutable and thread-safe.
 */
public final class EnergyTypeTable {

    static final String RESOURCE = "energyhub/standard/energy-types.csv";
    static final String HEADER = "code,name,unit,convertRation";

    private final Map<String, EnergyType> byCode;

    private EnergyTypeTable(Map<String, EnergyType> byCode) {
        this.byCode = Collections.unmodifiableMap(byCode);
    }

    /** The table shipped in this module (GB/T 2589 reference values). */
    public static EnergyTypeTable defaults() {
        return Defaults.TABLE;
    }

    /**
     * Reads a UTF-8 CSV with the header {@code code,name,unit,convertRation}; blank lines are skipped.
     * The caller keeps ownership of the stream (it is read to the end, not closed).
     *
     * @throws IllegalArgumentException naming the line when a row is malformed or a code repeats
     */
    public static EnergyTypeTable load(InputStream csv) {
        Map<String, EnergyType> rows = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8));
        try {
            String line;
            int lineNo = 0;
            boolean headerSeen = false;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1); // Excel writes a BOM
                }
                if (line.isBlank()) {
                    continue;
                }
                if (!headerSeen) {
                    if (!line.strip().equals(HEADER)) {
                        throw new IllegalArgumentException("energy-type table line " + lineNo
                                + ": expected the header '" + HEADER + "'");
                    }
                    headerSeen = true;
                    continue;
                }
                EnergyType type = row(line, lineNo);
                if (rows.putIfAbsent(type.code(), type) != null) {
                    throw new IllegalArgumentException("energy-type table line " + lineNo
                            + ": code " + type.code() + " appears twice");
                }
            }
            if (!headerSeen) {
                throw new IllegalArgumentException("energy-type table is empty: expected the header '" + HEADER + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the energy-type table", e);
        }
        return new EnergyTypeTable(rows);
    }

    private static EnergyType row(String line, int lineNo) {
        String[] cols = line.split(",", -1);
        if (cols.length != 4) {
            throw new IllegalArgumentException("energy-type table line " + lineNo + ": expected 4 columns, found "
                    + cols.length);
        }
        String code = cols[0].strip();
        String name = cols[1].strip();
        String unit = cols[2].strip();
        String ratio = cols[3].strip();
        if (!code.matches("[0-9]{4}")) {
            throw new IllegalArgumentException("energy-type table line " + lineNo + ": code "
                    + RecordError.shown(code) + " is not 4 digits");
        }
        if (name.isEmpty() || unit.isEmpty()) {
            throw new IllegalArgumentException("energy-type table line " + lineNo + ": name and unit are required");
        }
        if (!Decimals.isPlain(ratio)) {
            throw new IllegalArgumentException("energy-type table line " + lineNo + ": convertRation "
                    + RecordError.shown(ratio) + " is not a plain decimal");
        }
        return new EnergyType(code, name, unit, ratio);
    }

    public Optional<EnergyType> find(String code) {
        return Optional.ofNullable(code == null ? null : byCode.get(code));
    }

    /** All rows in file order. */
    public List<EnergyType> all() {
        return List.copyOf(byCode.values());
    }

    /** Loaded on first use; a broken shipped table is a build error, so fail loudly. */
    private static final class Defaults {
        static final EnergyTypeTable TABLE = loadDefaults();

        private static EnergyTypeTable loadDefaults() {
            try (InputStream in = EnergyTypeTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing classpath resource " + RESOURCE);
                }
                return load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
