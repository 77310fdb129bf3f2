package energyhub.ferry;

/**
 * Set on a ferry exchange (never thrown up to an operator) to roll the poll back on purpose: a package
 * waiting for its data file, or staged but not answered yet. Camel's file components commit (move or
 * delete the remote files of an SFTP source) for every exchange that is not failed, whatever
 * {@code setRollbackOnly} says; only a failed, unhandled exchange is rolled back. The failure policy
 * ({@link FerryFailurePolicy}) leaves it unhandled and unlogged. No stack trace is filled in.
 */
public class LeaveForNextPoll extends Exception {

    public LeaveForNextPoll(String reason) {
        super(reason, null, false, false);
    }
}
