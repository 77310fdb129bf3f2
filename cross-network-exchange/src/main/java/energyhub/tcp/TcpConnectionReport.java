package energyhub.tcp;

import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per minute about connections the TCP intake displaced or refused for its budgets, when
 * there were any: a flood of thousands of connections is one line, not thousands (the counts are also the
 * metrics {@code hub.tcp.connections.displaced} and {@code hub.tcp.connections.refused}).
 */
final class TcpConnectionReport implements Processor {

    static final Duration PERIOD = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(TcpConnectionReport.class);

    private final TcpGuard guard;
    private long displaced;
    private long refused;

    TcpConnectionReport(TcpGuard guard) {
        this.guard = guard;
    }

    @Override
    public synchronized void process(Exchange exchange) {
        long d = guard.displaced();
        long r = guard.refused();
        if (d != displaced || r != refused) {
            log.warn("TCP intake: in the last minute {} connections waiting to log in were displaced by newer ones "
                    + "and {} refused (too many from one address, or all sessions taken); now {} waiting, {} logged in. "
                    + "Logged-in clients are not affected; a flood shows here", d - displaced, r - refused,
                    guard.pending(), guard.sessions());
            displaced = d;
            refused = r;
        }
    }
}
