package energyhub.routing;

import java.util.concurrent.TimeoutException;

/**
 * Names why a send to a target failed, for the ledger's {@code last_error} and the log: address
 * full, refused, unreachable, no answer in time, with the queue. Artemis's exceptions are matched
 * by name, so the routing core needs no broker client of its own.
 */
public final class DeliveryCauses {

    private DeliveryCauses() {
    }

    /** A target that did not take a message within {@code hub.routing.send-timeout}. */
    public static final class NoAnswerException extends TimeoutException {
        public NoAnswerException(String message) {
            super(message);
        }
    }

    /** This instance's claim lapsed and another holder took the delivery over. */
    public static final class LeaseLostException extends IllegalStateException {
        public LeaseLostException(String message) {
            super(message);
        }
    }

    public static String describe(Throwable failure, String queue) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(0, t); // deepest first: wrappers repeat their cause's message
        }
        for (Throwable t : chain) {
            String name = t.getClass().getSimpleName();
            String message = oneLine(t.getMessage());
            if (t instanceof NoAnswerException) {
                return message;
            }
            if (name.contains("AddressFull") || message.contains("AMQ229102") || message.contains("is full")) {
                return "address full: " + queue + " (" + message + ")";
            }
            if (name.contains("Security") || message.contains("AMQ229032") || message.contains("AMQ229031")) {
                return "refused: " + queue + " (" + message + ")";
            }
            if (name.contains("NotConnected") || name.contains("ConnectionTimedOut") || name.contains("IllegalState")
                    && message.contains("closed") || message.contains("AMQ219010") || message.contains("AMQ219007")) {
                return "broker unreachable for " + queue + " (" + name + ": " + message + ")";
            }
        }
        Throwable root = root(failure);
        return queue + ": " + root.getClass().getSimpleName() + ": " + oneLine(root.getMessage());
    }

    static Throwable root(Throwable t) {
        Throwable r = t;
        while (r != null && r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r;
    }

    /** The id of the route an exchange is in now (not the one it came from). */
    static String routeOf(org.apache.camel.Exchange exchange) {
        var uow = exchange.getUnitOfWork();
        return uow != null && uow.getRoute() != null ? uow.getRoute().getRouteId() : exchange.getFromRouteId();
    }

    /** The innermost cause as one line: its type and its message, whitespace folded, at most 500 characters. */
    public static String rootMessage(Throwable t) {
        if (t == null) {
            return "unknown cause";
        }
        Throwable r = root(t);
        return r.getClass().getSimpleName() + ": " + oneLine(r.getMessage());
    }

    /** Text from outside (a server's message, say) as one log-safe line of at most 500 characters. */
    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() > 500 ? line.substring(0, 500) + "..." : line;
    }
}
