package energyhub.routing;

/** What the routing core did with a submission; the intake archives or quarantines accordingly. */
public record IntakeOutcome(long batchPk, Disposition disposition, String reason) {

    public enum Disposition {
        /** validated and staged for both targets; delivery is under way or done */
        STAGED,
        /** the same package was staged before (a restart re-read it): nothing new is staged */
        RESUMED,
        /** the batchId was processed before under another name or content: nothing is delivered */
        DUPLICATE,
        /** the intake's own checks failed: nothing is delivered */
        REJECTED
    }

    /** The package was taken over by the hub: archive it. */
    public boolean taken() {
        return disposition == Disposition.STAGED || disposition == Disposition.RESUMED
                || disposition == Disposition.DUPLICATE;
    }
}
