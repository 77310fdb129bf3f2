package energyhub.monitoring;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.debugger.DefaultBacklogDebugger;
import org.apache.camel.spi.BacklogDebugger;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Camel's backlog debugger on standby, for Hawtio's Debug tab: installed but idle until an operator
 * switches it on (a JMX operation a viewer may not call). Its steps cost a little on every exchange,
 * so it is a switch (hub.monitoring.camel-debugger). Camel Spring Boot has
 * the tracer's standby switch (camel.trace.standby) but none for the debugger.
 */
@Configuration
@ConditionalOnProperty(name = "hub.monitoring.camel-debugger", havingValue = "true")
public class CamelDebuggerConfiguration {

    @Bean
    CamelContextConfiguration camelDebuggerOnStandby() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                context.setDebugStandby(true);
                if (context.hasService(BacklogDebugger.class) == null) {
                    try {
                        context.addService(DefaultBacklogDebugger.createDebugger(context));
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot install Camel's debugger", e);
                    }
                }
                // createDebugger switches message history on for the whole context; with the tracer on
                // standby (camel.trace.standby) that makes Camel's BacklogTracer capture every message at
                // every step, switched on or not (BacklogTracer.shouldTrace: standby && messageHistory),
                // which cost half the hub's CPU (JFR, docs/benchmarks.md). The debugger's own steps keep
                // their history: Camel adds it to every step while the debugger is on standby.
                context.setMessageHistory(false);
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
            }
        };
    }
}
