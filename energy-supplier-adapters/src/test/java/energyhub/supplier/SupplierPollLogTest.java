package energyhub.supplier;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A supplier server that cannot be polled is one line per cause, not a stack trace per scheduled poll. */
class SupplierPollLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(SupplierPollLog.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aRefusedHostKeyIsSaidOnceWithoutAStackTraceAndTheRecoveryToo() {
        SupplierPollLog polls = new SupplierPollLog("gas-a", "sftp://10.1.2.3:22/out");
        Exception hostKey = new GenericFileOperationFailedException("Cannot connect to sftp://hub@10.1.2.3:22",
                new com.jcraft.jsch.JSchException("HostKey has been changed: [10.1.2.3]:22"));
        for (int poll = 0; poll < 5; poll++) {
            assertThat(polls.rollback(null, null, 0, hostKey)).as("no immediate retry").isFalse();
        }
        assertThat(lines.list).hasSize(1);
        ILoggingEvent refused = lines.list.get(0);
        assertThat(refused.getFormattedMessage()).isEqualTo("supplier gas-a: cannot poll sftp://10.1.2.3:22/out: "
                + "HOST KEY REFUSED (HostKey has been changed: [10.1.2.3]:22): the server does not present the key "
                + "pinned in known-hosts-file; an operator verifies the server's key and pins it; nothing is fetched, "
                + "tried again at the next scheduled poll");
        assertThat(refused.getThrowableProxy()).isNull();

        polls.rollback(null, null, 0, new GenericFileOperationFailedException("Cannot connect",
                new java.net.ConnectException("Connection refused")));
        assertThat(lines.list).hasSize(2);
        assertThat(lines.list.get(1).getFormattedMessage()).contains("ConnectException: Connection refused");

        polls.commit(null, null, 0);
        polls.commit(null, null, 0);
        assertThat(lines.list).hasSize(3);
        assertThat(lines.list.get(2).getFormattedMessage()).isEqualTo("supplier gas-a: sftp://10.1.2.3:22/out polls again");
    }
}
