package energyhub.monitoring.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The cockpit's JMX rule on its own: by allow-list of (MBean, operation), never by name prefix. */
class CockpitJmxPolicyTest {

    private static final ObjectName ROUTE = CockpitJmxPolicy.name(
            "org.apache.camel:context=exchange-hub,type=routes,name=\"ferry-inbox\"");
    private static final ObjectName CONTEXT = CockpitJmxPolicy.name(
            "org.apache.camel:context=exchange-hub,type=context,name=\"exchange-hub\"");
    private static final ObjectName QUEUE = CockpitJmxPolicy.name("org.apache.activemq.artemis:broker=\"hub\","
            + "component=addresses,address=\"energy.national\",subcomponent=queues,routing-type=\"anycast\","
            + "queue=\"energy.national\"");
    private static final ObjectName HOTSPOT = CockpitJmxPolicy.name("com.sun.management:type=HotSpotDiagnostic");

    @Test
    void aViewerInvokesOnlyTheListedReportingOperations() {
        assertThat(CockpitJmxPolicy.mayInvoke(ROUTE, "dumpRouteStatsAsXml(boolean,boolean)", false)).isTrue();
        assertThat(CockpitJmxPolicy.mayInvoke(QUEUE, "countMessages()", false)).isTrue();
        assertThat(CockpitJmxPolicy.mayInvoke(QUEUE, "browse", false)).isTrue();
        // what a name prefix let through before
        assertThat(CockpitJmxPolicy.mayInvoke(ROUTE, "stop()", false)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(QUEUE, "removeAllMessages()", false)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(CONTEXT, "dumpRoutesAsXml()", false)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(ROUTE, "dumpRouteAsXml", false)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(CockpitJmxPolicy.name("hawtio:type=QuartzFacade"), "updateCronTrigger",
                false)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(CockpitJmxPolicy.name("hawtio:type=security,area=jmx,name=X"),
                "canInvokeSomethingElse", false)).isFalse();
        // a listed operation on an MBean its rule does not name
        assertThat(CockpitJmxPolicy.mayInvoke(CockpitJmxPolicy.name("java.lang:type=Memory"), "countMessages", false))
                .isFalse();
        assertThat(CockpitJmxPolicy.mayWrite(CockpitJmxPolicy.name("java.lang:type=Memory"), "Verbose", false))
                .isFalse();
    }

    @Test
    void anOperatorActsButNobodyDumpsTheHeapOrThreadsOrReadsSecrets() {
        assertThat(CockpitJmxPolicy.mayInvoke(ROUTE, "stop()", true)).isTrue();
        assertThat(CockpitJmxPolicy.mayInvoke(CONTEXT, "dumpRoutesAsXml(boolean)", true)).isTrue();
        assertThat(CockpitJmxPolicy.mayWrite(CockpitJmxPolicy.name("java.lang:type=Memory"), "Verbose", true)).isTrue();
        assertThat(CockpitJmxPolicy.mayInvoke(HOTSPOT, "dumpHeap", true)).isFalse();
        assertThat(CockpitJmxPolicy.mayRead(HOTSPOT, "DiagnosticOptions", true)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(CockpitJmxPolicy.name("jdk.management.jfr:type=FlightRecorder"),
                "copyTo", true)).isFalse();
        assertThat(CockpitJmxPolicy.mayInvoke(CockpitJmxPolicy.name("java.lang:type=Threading"),
                "dumpAllThreads(boolean,boolean)", true)).isFalse();
        assertThat(CockpitJmxPolicy.closed(HOTSPOT)).isTrue();
        ObjectName runtime = CockpitJmxPolicy.name("java.lang:type=Runtime");
        assertThat(CockpitJmxPolicy.mayRead(runtime, "Uptime", false)).isTrue();
        assertThat(CockpitJmxPolicy.mayRead(runtime, "SystemProperties", false)).isFalse();
        assertThat(CockpitJmxPolicy.mayRead(runtime, "InputArguments", true)).isFalse();
        assertThat(CockpitJmxPolicy.mayRead(QUEUE, "MessageCount", false)).isTrue();
        assertThat(CockpitJmxPolicy.mayRead(CockpitJmxPolicy.name("org.apache.activemq.artemis:broker=\"hub\""),
                "ClusterPassword", true)).isFalse();
        // a domain no console view needs: not for a viewer
        assertThat(CockpitJmxPolicy.mayRead(CockpitJmxPolicy.name("org.springframework.boot:type=Admin,name=x"), "Ready",
                false)).isFalse();
    }

    @Test
    void aProxyTargetIsFoundAtAnyDepthOfTheBody() {
        assertThat(JolokiaRequestLimits.namesATarget(bytes("{\"type\":\"read\",\"mbean\":\"a:b=c\",\"target\":{}}")))
                .isTrue();
        assertThat(JolokiaRequestLimits.namesATarget(bytes("[{\"type\":\"read\"},{\"type\":\"read\",\"target\":"
                + "{\"url\":\"service:jmx:rmi:///jndi/rmi://h:1/jmxrmi\"}}]"))).isTrue();
        assertThat(JolokiaRequestLimits.namesATarget(bytes("{\"type\":\"exec\",\"arguments\":[\"target\"]}"))).isFalse();
        assertThat(JolokiaRequestLimits.namesATarget(bytes("not json"))).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
