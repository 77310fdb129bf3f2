package energyhub.routing.quality;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code hub.quality.*}: the data-quality ledger, its indicators and the 补传 requests (docs/data-quality.md). */
@ConfigurationProperties("hub.quality")
public class QualityProperties {

    /** Feed the ledger as records are staged; off, nothing is counted (indicators stop moving). */
    private boolean enabled = true;
    /** An enterprise below this completeness (percent of expected periods received) is listed and counted. */
    private double completenessThreshold = 90;
    /** A day-vs-month or supplier-vs-enterprise deviation above this (percent) is flagged. */
    private double deviationThreshold = 5;
    /** Without an imported schedule, an enterprise is expected to report every series it sent within this many days. */
    private int defaultLookbackDays = 30;
    /** A real-time period is due (a hole when missing, late when received after) this long after its end. */
    private Duration deadlineRealtime = Duration.ofHours(1);
    /** A day is due this long after its end. */
    private Duration deadlineDay = Duration.ofDays(1);
    /** A month is due this long after its end. */
    private Duration deadlineMonth = Duration.ofDays(5);
    /** A year is due this long after its end. */
    private Duration deadlineYear = Duration.ofDays(31);
    /** Series-months a batch accumulates in memory before they are written (bounds memory for any package). */
    private int maxOpenRows = 2000;
    /** How often the province-wide indicators (Prometheus gauges) are recomputed from the ledger. */
    private Duration refreshInterval = Duration.ofMinutes(1);
    /** 补传 requests cover the holes of this many days back (periods due by now). */
    private int resendLookbackDays = 7;
    /** Quartz cron of the scheduled 补传 requests (one hub of a cluster writes them); empty = only on demand. */
    private String resendCron = "0 0 6 * * ?";
    /** The manifest's sender of the hub's own packages (补传 requests): the province's exchange id. */
    private String hubSender = "province-hub";
    /** Missing periods listed per 补传 request file at most; the rest are asked for by the next request. */
    private int resendMaxSlots = 100_000;
    /** Distinct series (enterprise, dataCode, statType) one package may bring; records of more are refused. */
    private int maxSeriesPerPackage = 20_000;
    /** Series the ledger keeps per enterprise; records of a new series beyond it are refused (TOO_MANY_SERIES). */
    private int maxSeriesPerEnterprise = 5_000;
    /** The largest page of the quality API (enterprises, or one enterprise's series, per answer). */
    private int maxPageSize = 500;
    /** Missing periods listed per series in an enterprise's JSON; the rest are counted (missingCount). */
    private int maxHolesPerSeries = 100;
    /** Rows one CSV answer of the quality API holds at most (a page: offset and limit). */
    private int maxCsvRows = 100_000;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean v) { this.enabled = v; }
    public double getCompletenessThreshold() { return completenessThreshold; }
    public void setCompletenessThreshold(double v) { this.completenessThreshold = v; }
    public double getDeviationThreshold() { return deviationThreshold; }
    public void setDeviationThreshold(double v) { this.deviationThreshold = v; }
    public int getDefaultLookbackDays() { return defaultLookbackDays; }
    public void setDefaultLookbackDays(int v) { this.defaultLookbackDays = v; }
    public Duration getDeadlineRealtime() { return deadlineRealtime; }
    public void setDeadlineRealtime(Duration v) { this.deadlineRealtime = v; }
    public Duration getDeadlineDay() { return deadlineDay; }
    public void setDeadlineDay(Duration v) { this.deadlineDay = v; }
    public Duration getDeadlineMonth() { return deadlineMonth; }
    public void setDeadlineMonth(Duration v) { this.deadlineMonth = v; }
    public Duration getDeadlineYear() { return deadlineYear; }
    public void setDeadlineYear(Duration v) { this.deadlineYear = v; }
    public int getMaxOpenRows() { return maxOpenRows; }
    public void setMaxOpenRows(int v) { this.maxOpenRows = v; }
    public Duration getRefreshInterval() { return refreshInterval; }
    public void setRefreshInterval(Duration v) { this.refreshInterval = v; }
    public int getResendLookbackDays() { return resendLookbackDays; }
    public void setResendLookbackDays(int v) { this.resendLookbackDays = v; }
    public String getResendCron() { return resendCron; }
    public void setResendCron(String v) { this.resendCron = v; }
    public String getHubSender() { return hubSender; }
    public void setHubSender(String v) { this.hubSender = v; }
    public int getResendMaxSlots() { return resendMaxSlots; }
    public void setResendMaxSlots(int v) { this.resendMaxSlots = v; }
    public int getMaxSeriesPerPackage() { return maxSeriesPerPackage; }
    public void setMaxSeriesPerPackage(int v) { this.maxSeriesPerPackage = v; }
    public int getMaxSeriesPerEnterprise() { return maxSeriesPerEnterprise; }
    public void setMaxSeriesPerEnterprise(int v) { this.maxSeriesPerEnterprise = v; }
    public int getMaxPageSize() { return maxPageSize; }
    public void setMaxPageSize(int v) { this.maxPageSize = v; }
    public int getMaxHolesPerSeries() { return maxHolesPerSeries; }
    public void setMaxHolesPerSeries(int v) { this.maxHolesPerSeries = v; }
    public int getMaxCsvRows() { return maxCsvRows; }
    public void setMaxCsvRows(int v) { this.maxCsvRows = v; }

    /** How long after its end a period of this statType is due. */
    public Duration deadline(int statType) {
        return switch (statType) {
            case 0 -> deadlineRealtime;
            case 1 -> deadlineDay;
            case 2 -> deadlineMonth;
            default -> deadlineYear;
        };
    }
}
