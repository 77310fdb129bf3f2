package energyhub.supplier;

import energyhub.supplier.ParsedFile.RowError;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The grid company's CSV (contracts section 4.1): GBK or UTF-8 with BOM, a fixed header, quoted numbers
 * with thousands separators, and a trailer {@code 合计,{rows},,,,,,,,{sum of 有功电量}} that must agree
 * with the rows, or the whole file is refused. kWh become 万kWh; a reading that disagrees with its
 * meter (止码 − 起码) × 倍率 by more than 0.5 kWh is kept with valid = 0. Rows are numbered as in the
 * file (the header is row 1).
 */
public final class ElectricityCsv {

    static final List<String> HEADER = List.of("户号", "户名", "计量点编号", "统计周期", "起始日期", "截止日期", "起码",
            "止码", "综合倍率", "有功电量(kWh)", "尖(kWh)", "峰(kWh)", "平(kWh)", "谷(kWh)", "电费(元)");
    static final Charset GBK = Charset.forName("GBK");
    private static final BigDecimal TOLERANCE_KWH = new BigDecimal("0.5");
    // either plain or with correct thousands groups; linear, no backtracking blow-up
    private static final Pattern NUMBER = Pattern.compile("-?(\\d{1,3}(,\\d{3})+|\\d+)(\\.\\d+)?");
    private static final Pattern NAME = Pattern.compile("ELEC_([A-Za-z0-9]+)_(\\d{6}|\\d{8})_(\\d+)\\.csv",
            Pattern.CASE_INSENSITIVE);

    private ElectricityCsv() {
    }

    public static ParsedFile parse(String fileName, byte[] content, String supplierCode) {
        var name = NAME.matcher(fileName);
        if (!name.matches()) {
            return ParsedFile.rejected("file", "BAD_FILE_NAME",
                    "file name " + fileName + " is not ELEC_{supplierCode}_{yyyyMM|yyyyMMdd}_{seq}.csv");
        }
        if (!name.group(1).equalsIgnoreCase(supplierCode)) {
            return ParsedFile.rejected("file", "WRONG_SUPPLIER", "file name " + fileName + " names supplier "
                    + name.group(1) + ", this source belongs to " + supplierCode);
        }
        String text;
        try {
            text = decode(content);
        } catch (CharacterCodingException e) {
            return ParsedFile.rejected("file", "BAD_ENCODING", "the file is neither UTF-8 (with BOM) nor GBK");
        }
        List<CSVRecord> rows;
        try (CSVParser parser = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get()
                .parse(new StringReader(text))) {
            rows = parser.getRecords();
        } catch (IOException | RuntimeException e) {
            return ParsedFile.rejected("file", "BAD_CSV", "the file is not valid CSV: " + e.getMessage());
        }
        if (rows.isEmpty() || !header(rows.get(0))) {
            return ParsedFile.rejected("header", "BAD_HEADER", "the first row is not the header " + String.join(",", HEADER));
        }
        CSVRecord trailer = rows.get(rows.size() - 1);
        if (rows.size() < 2 || !"合计".equals(trailer.get(0))) {
            return ParsedFile.rejected("trailer", "NO_TRAILER", "the last row is not the trailer 合计,{rows},...");
        }
        List<CSVRecord> data = rows.subList(1, rows.size() - 1);

        List<SupplierReading> readings = new ArrayList<>();
        List<RowError> errors = new ArrayList<>();
        BigDecimal sum = BigDecimal.ZERO;
        for (CSVRecord row : data) {
            int line = (int) row.getRecordNumber();
            String raw = raw(row);
            if (row.size() < 10) {
                errors.add(new RowError(line, "row", "TOO_FEW_COLUMNS", "row has " + row.size() + " columns, expected 15", raw));
                continue;
            }
            BigDecimal kwh = number(row.get(9));
            if (kwh == null) {
                errors.add(new RowError(line, "有功电量(kWh)", "BAD_NUMBER", "有功电量 '" + row.get(9) + "' is not a number", raw));
                continue;
            }
            sum = sum.add(kwh);
            String accountNo = row.get(0);
            if (accountNo.isEmpty()) {
                errors.add(new RowError(line, "户号", "MISSING", "户号 is empty", raw));
                continue;
            }
            String statType = switch (row.get(3)) {
                case "日" -> "1";
                case "月" -> "2";
                default -> null;
            };
            if (statType == null) {
                errors.add(new RowError(line, "统计周期", "BAD_PERIOD", "统计周期 '" + row.get(3) + "' is neither 日 nor 月", raw));
                continue;
            }
            LocalDate start;
            try {
                start = LocalDate.parse(row.get(4));
            } catch (DateTimeParseException e) {
                errors.add(new RowError(line, "起始日期", "BAD_DATE", "起始日期 '" + row.get(4) + "' is not yyyy-MM-dd", raw));
                continue;
            }
            readings.add(new SupplierReading(line, 2, accountNo, statType, start, kwh.movePointLeft(4),
                    crossCheck(row, kwh) ? "1" : "0", raw));
        }
        BigDecimal declaredSum = trailer.size() > 9 ? number(trailer.get(9)) : null;
        String declaredCount = trailer.size() > 1 ? trailer.get(1) : "";
        if (!declaredCount.equals(String.valueOf(data.size())) || declaredSum == null || declaredSum.compareTo(sum) != 0) {
            return ParsedFile.rejected("trailer", "TRAILER_MISMATCH", "trailer says " + declaredCount + " rows summing to "
                    + (trailer.size() > 9 ? trailer.get(9) : "") + " kWh, the file has " + data.size()
                    + " rows summing to " + sum.toPlainString() + " kWh");
        }
        return new ParsedFile(readings, errors, null);
    }

    /** UTF-8 when it starts with a BOM or decodes cleanly as UTF-8, otherwise GBK; never guessed silently. */
    static String decode(byte[] content) throws CharacterCodingException {
        if (content.length >= 3 && (content[0] & 0xff) == 0xEF && (content[1] & 0xff) == 0xBB && (content[2] & 0xff) == 0xBF) {
            return strict(StandardCharsets.UTF_8, ByteBuffer.wrap(content, 3, content.length - 3));
        }
        try {
            return strict(StandardCharsets.UTF_8, ByteBuffer.wrap(content));
        } catch (CharacterCodingException notUtf8) {
            return strict(GBK, ByteBuffer.wrap(content));
        }
    }

    private static String strict(Charset charset, ByteBuffer bytes) throws CharacterCodingException {
        CharBuffer chars = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
        return chars.toString();
    }

    private static boolean header(CSVRecord row) {
        if (row.size() < HEADER.size()) {
            return false;
        }
        for (int i = 0; i < HEADER.size(); i++) {
            if (!HEADER.get(i).equals(row.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code (止码 − 起码) × 综合倍率} within 0.5 kWh of 有功电量; rows without readings cannot be checked. */
    private static boolean crossCheck(CSVRecord row, BigDecimal kwh) {
        BigDecimal from = number(row.get(6));
        BigDecimal to = number(row.get(7));
        BigDecimal factor = number(row.get(8));
        if (row.get(6).isEmpty() && row.get(7).isEmpty()) {
            return true;
        }
        if (from == null || to == null || factor == null) {
            return false;
        }
        return to.subtract(from).multiply(factor).subtract(kwh).abs().compareTo(TOLERANCE_KWH) <= 0;
    }

    /** A number as the grid writes it ({@code "1,234.56"}), or null. */
    static BigDecimal number(String s) {
        if (s == null || s.length() > 40 || !NUMBER.matcher(s).matches()) {
            return null;
        }
        return new BigDecimal(s.replace(",", ""));
    }

    private static String raw(CSVRecord row) {
        return CSVFormat.DEFAULT.format(row.values());
    }
}
