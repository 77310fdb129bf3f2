package energyhub.monitoring.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * What each cockpit role may do to which MBean over HTTP: the one rule that Jolokia enforces (through
 * {@link CockpitJolokiaRestrictor}, judging the request as Jolokia parsed it) and that Hawtio is told
 * (through {@link HubJmxSecurity}, so the console greys out what would be refused).
 *
 * <p>By allow-list, never by name prefix. A viewer may read the attributes of the MBeans Hawtio's Camel,
 * Artemis and runtime views show, and invoke only the operations listed in {@link #VIEWER_OPERATIONS},
 * each named with its MBean pattern. An operator may read, write and invoke everything except what is
 * {@linkplain #closed closed to everyone}: the JDK's diagnostic MBeans (heap dumps to a path of the
 * caller's choice, flight recordings, diagnostic commands), thread dumps, and attributes that can hold
 * a secret (the JVM's command line and system properties, anything named like a password).
 */
public final class CockpitJmxPolicy {

    /** Domains closed to everyone over HTTP: they dump heaps and threads, write files, start recordings. */
    private static final Set<String> CLOSED_DOMAINS = Set.of("com.sun.management", "jdk.management.jfr");

    /** Operations closed to everyone wherever they are: dumps of the heap or of every thread. */
    private static final Set<String> CLOSED_OPERATIONS = Set.of("dumpHeap", "dumpAllThreads", "getThreadInfo",
            "dumpThreads");

    /** The JVM's command line and system properties may carry a secret someone passed with -D or --. */
    private static final ObjectName RUNTIME = name("java.lang:type=Runtime");
    private static final Set<String> RUNTIME_CLOSED_ATTRIBUTES = Set.of("SystemProperties", "InputArguments");

    /** Attributes whose name says they hold a secret, in any MBean. */
    private static final Pattern SECRET_ATTRIBUTE = Pattern.compile(".*(password|passphrase|secret|credential).*");

    /** The domains whose attributes a viewer may read: what Hawtio's Camel, Artemis, JMX and runtime views show. */
    private static final List<ObjectName> VIEWER_READS = names(
            "org.apache.camel:*",
            "org.apache.activemq.artemis:*",
            "java.lang:*",
            "java.nio:*",
            "java.util.logging:*",
            "JMImplementation:*",
            "hawtio:*",
            "jolokia:*");

    /**
     * The operations a viewer may invoke, each with the MBeans it may be invoked on: what the consoles call to
     * show routes, statistics, queues and messages, and Hawtio's question which operations the user may invoke.
     * Route definition dumps are not here: they show every endpoint URI and step, so they are an operator's.
     */
    static final List<Rule> VIEWER_OPERATIONS = List.of(
            // Hawtio asks which buttons to grey out
            new Rule("hawtio:type=security,area=jmx,*", "canInvoke"),
            // Camel: statistics of every route and step (the routes table, the diagram's counters)
            new Rule("org.apache.camel:type=context,*", "dumpRoutesStatsAsXml", "dumpStepStatsAsXml",
                    "getCamelId", "getCamelDescription"),
            new Rule("org.apache.camel:type=routes,*", "dumpRouteStatsAsXml", "dumpStepStatsAsXml"),
            new Rule("org.apache.camel:type=services,*", "browse", "dumpAllTracedMessagesAsXml",
                    "dumpTracedMessagesAsXml", "dumpLatestTracedMessagesAsXml"),
            new Rule("org.apache.camel:type=endpoints,*", "browse"),
            // Artemis's console: the broker's lists, a queue's depth and messages
            new Rule("org.apache.activemq.artemis:broker=*", "listAddresses", "listQueues", "listConnections",
                    "listSessions", "listConsumers", "listProducers", "listNetworkTopology",
                    "getAddressSettingsAsJSON", "listAllConsumersAsJSON", "listConnectionsAsJSON",
                    "listProducersInfoAsJSON", "listSessionsAsJSON", "listConsumersAsJSON",
                    "getRoles", "getRolesAsJSON", "getQueueNames", "getAddressNames", "isReplicaSync"),
            new Rule("org.apache.activemq.artemis:broker=*,component=addresses,*", "browse", "countMessages",
                    "countDeliveringMessages", "listMessagesAsJSON", "listScheduledMessagesAsJSON",
                    "listDeliveringMessagesAsJSON", "getFirstMessageAsJSON", "getFirstMessageAge",
                    "getFirstMessageTimestamp", "getRoles", "getRolesAsJSON", "getQueueNames",
                    "getAllQueueNames", "listConsumersAsJSON", "getNumberOfPages", "getNumberOfBytesPerPage"));

    private CockpitJmxPolicy() {
    }

    /** Closed to everyone over HTTP, operators included: not even listed. */
    public static boolean closed(ObjectName mbean) {
        return CLOSED_DOMAINS.contains(mbean.getDomain());
    }

    public static boolean mayRead(ObjectName mbean, String attribute, boolean operator) {
        if (closed(mbean) || secretAttribute(mbean, attribute)) {
            return false;
        }
        return operator || VIEWER_READS.stream().anyMatch(p -> p.apply(mbean));
    }

    public static boolean mayWrite(ObjectName mbean, String attribute, boolean operator) {
        return operator && !closed(mbean) && !secretAttribute(mbean, attribute);
    }

    /** @param operation a name, with or without its signature ("stop" or "stop()") */
    public static boolean mayInvoke(ObjectName mbean, String operation, boolean operator) {
        String name = operationName(operation);
        if (closed(mbean) || CLOSED_OPERATIONS.contains(name)) {
            return false;
        }
        return operator || VIEWER_OPERATIONS.stream().anyMatch(r -> r.allows(mbean, name));
    }

    static String operationName(String operation) {
        if (operation == null) {
            return "";
        }
        int paren = operation.indexOf('(');
        return (paren < 0 ? operation : operation.substring(0, paren)).trim();
    }

    private static boolean secretAttribute(ObjectName mbean, String attribute) {
        if (attribute == null) {
            return false;
        }
        if (RUNTIME.apply(mbean) && RUNTIME_CLOSED_ATTRIBUTES.contains(attribute)) {
            return true;
        }
        return SECRET_ATTRIBUTE.matcher(attribute.toLowerCase(Locale.ROOT)).matches();
    }

    /** Operations by exact name on the MBeans a pattern matches. */
    record Rule(ObjectName pattern, Set<String> operations) {
        Rule(String pattern, String... operations) {
            this(name(pattern), Set.of(operations));
        }

        boolean allows(ObjectName mbean, String operation) {
            return operations.contains(operation) && pattern.apply(mbean);
        }
    }

    private static List<ObjectName> names(String... patterns) {
        return java.util.Arrays.stream(patterns).map(CockpitJmxPolicy::name).toList();
    }

    static ObjectName name(String name) {
        try {
            return ObjectName.getInstance(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
