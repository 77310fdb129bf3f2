package energyhub.supplier;

import energyhub.supplier.ParsedFile.RowError;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The gas company's XML report (contracts section 4.2), read with StAX that refuses any DTD: a document
 * carrying a DOCTYPE (the only way to declare an entity) is refused whole, so no entity, internal or
 * external, is ever expanded. The size is bounded before parsing. Readings of one account and period
 * are summed; m³ become 万m³. Accounts are numbered in document order (the report's "line").
 */
public final class GasXml {

    private static final Pattern VOLUME = Pattern.compile("-?\\d{1,15}(\\.\\d{1,10})?");
    private static final int MAX_DEPTH = 8;

    private GasXml() {
    }

    private record Key(String accountNo, LocalDate start, LocalDate end) {
    }

    private static final class Sum {
        final int line;
        BigDecimal volume = BigDecimal.ZERO;
        final StringBuilder raw = new StringBuilder();

        Sum(int line) {
            this.line = line;
        }
    }

    static XMLInputFactory secureFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        trySet(f, XMLConstants.ACCESS_EXTERNAL_DTD, "");
        trySet(f, XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f;
    }

    private static void trySet(XMLInputFactory f, String property, Object value) {
        try {
            f.setProperty(property, value);
        } catch (IllegalArgumentException notSupported) {
            // the JDK's StAX supports both; another implementation may not, SUPPORT_DTD=false still holds
        }
    }

    public static ParsedFile parse(byte[] content, String supplierCode) {
        Map<Key, Sum> sums = new LinkedHashMap<>();
        List<RowError> errors = new ArrayList<>();
        XMLStreamReader r = null;
        try {
            r = secureFactory().createXMLStreamReader(new ByteArrayInputStream(content));
            String accountNo = null;
            int accountLine = 0;
            int depth = 0;
            boolean root = false;
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.DTD) {
                    return ParsedFile.rejected("file", "DTD_FORBIDDEN",
                            "the document has a DOCTYPE; DTDs and entities are not accepted");
                }
                if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                    return ParsedFile.rejected("file", "ENTITY_FORBIDDEN", "the document references entity &"
                            + r.getLocalName() + "; entities are not accepted");
                }
                if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                    if ("Account".equals(r.getLocalName())) {
                        accountNo = null;
                    }
                    continue;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (++depth > MAX_DEPTH) {
                    return ParsedFile.rejected("file", "TOO_DEEP", "elements nested deeper than " + MAX_DEPTH);
                }
                switch (r.getLocalName()) {
                    case "GasSupplyReport" -> {
                        root = true;
                        String supplier = r.getAttributeValue(null, "supplier");
                        if (supplier != null && !supplier.equalsIgnoreCase(supplierCode)) {
                            return ParsedFile.rejected("supplier", "WRONG_SUPPLIER", "the report is of supplier "
                                    + supplier + ", this source belongs to " + supplierCode);
                        }
                    }
                    case "Account" -> {
                        accountLine++;
                        accountNo = r.getAttributeValue(null, "no");
                        if (accountNo == null || accountNo.isBlank()) {
                            errors.add(new RowError(accountLine, "no", "MISSING", "Account without no", "<Account>"));
                        }
                    }
                    case "Reading" -> reading(r, accountNo, accountLine, sums, errors);
                    default -> {
                        // other elements are the supplier's business, not ours
                    }
                }
            }
            if (!root) {
                return ParsedFile.rejected("file", "NOT_A_GAS_REPORT", "the root element is not GasSupplyReport");
            }
        } catch (XMLStreamException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
            return ParsedFile.rejected("file", "BAD_XML", "the document is not acceptable XML: "
                    + (why.length() > 200 ? why.substring(0, 200) + "…" : why));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // nothing held but memory
                }
            }
        }
        List<SupplierReading> readings = new ArrayList<>();
        sums.forEach((k, s) -> {
            String statType = k.start().equals(k.end()) ? "1" : "2";
            readings.add(new SupplierReading(s.line, 3, k.accountNo(), statType, k.start(), s.volume.movePointLeft(4),
                    "1", s.raw.toString()));
        });
        return new ParsedFile(readings, errors, null);
    }

    private static void reading(XMLStreamReader r, String accountNo, int line, Map<Key, Sum> sums, List<RowError> errors) {
        String raw = "<Account no=\"" + accountNo + "\"><Reading meter=\"" + r.getAttributeValue(null, "meter")
                + "\" start=\"" + r.getAttributeValue(null, "start") + "\" end=\"" + r.getAttributeValue(null, "end")
                + "\" unit=\"" + r.getAttributeValue(null, "unit") + "\" volume=\"" + r.getAttributeValue(null, "volume")
                + "\"/></Account>";
        if (accountNo == null || accountNo.isBlank()) {
            errors.add(new RowError(line, "no", "MISSING", "Reading outside an Account with a no", raw));
            return;
        }
        String unit = r.getAttributeValue(null, "unit");
        if (unit != null && !unit.equals("m3")) {
            errors.add(new RowError(line, "unit", "BAD_UNIT", "unit '" + unit + "' is not m3", raw));
            return;
        }
        String volume = r.getAttributeValue(null, "volume");
        if (volume == null || !VOLUME.matcher(volume).matches()) {
            errors.add(new RowError(line, "volume", "BAD_NUMBER", "volume '" + volume + "' is not a number", raw));
            return;
        }
        LocalDate start;
        LocalDate end;
        try {
            start = LocalDate.parse(String.valueOf(r.getAttributeValue(null, "start")));
            end = LocalDate.parse(String.valueOf(r.getAttributeValue(null, "end")));
        } catch (DateTimeParseException e) {
            errors.add(new RowError(line, "start", "BAD_DATE", "start/end are not yyyy-MM-dd", raw));
            return;
        }
        boolean day = start.equals(end);
        boolean month = start.getDayOfMonth() == 1 && end.equals(start.withDayOfMonth(start.lengthOfMonth()));
        if (!day && !month) {
            errors.add(new RowError(line, "start", "BAD_PERIOD",
                    "reading " + start + ".." + end + " is neither one day nor one calendar month", raw));
            return;
        }
        Sum sum = sums.computeIfAbsent(new Key(accountNo, start, end), k -> new Sum(line));
        sum.volume = sum.volume.add(new BigDecimal(volume));
        sum.raw.append(raw);
    }
}
