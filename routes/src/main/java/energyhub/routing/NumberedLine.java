package energyhub.routing;

/** One record as its intake read it: the JSON text and where it stood (file line or 1-based index). */
public record NumberedLine(int number, String json) {
}
