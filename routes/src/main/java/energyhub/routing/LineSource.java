package energyhub.routing;

import java.io.IOException;
import java.util.stream.Stream;

/**
 * The records of a batch, read lazily by the intake that received them, so that a large
 * package streams through the hub and is never held in memory whole. Called at most once
 * per staging; the stream is closed by the caller.
 */
@FunctionalInterface
public interface LineSource {
    Stream<NumberedLine> open() throws IOException;
}
