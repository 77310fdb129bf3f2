package energyhub.monitoring.security;

import io.hawt.jmx.JMXSecurityMBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Tells Hawtio which MBean operations the logged-in user may invoke, so a viewer's console greys out
 * what Jolokia would refuse (stop, move, retry, ...) instead of offering buttons that end in 403.
 * Hawtio asks the first {@code *:type=security,area=jmx,*} MBean that is not its dummy (which says
 * yes to everything). It is advice for the console only: CockpitJolokiaRestrictor enforces the same rule
 * ({@link CockpitJmxPolicy}).
 * Jolokia calls it on the request's thread, where Spring Security holds the user.
 */
public class HubJmxSecurity implements JMXSecurityMBean, InitializingBean, DisposableBean {

    static final String OBJECT_NAME = "hawtio:type=security,area=jmx,name=HubJMXSecurity";

    /** The instance registered now: a second hub context in this JVM (tests) takes over the name. */
    private static final java.util.concurrent.atomic.AtomicReference<HubJmxSecurity> REGISTERED =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    public HubJmxSecurity() throws JMException {
        this.name = new ObjectName(OBJECT_NAME);
    }

    @Override
    public synchronized void afterPropertiesSet() throws JMException {
        if (server.isRegistered(name)) { // another hub context in this JVM: the rule is the same
            server.unregisterMBean(name);
        }
        server.registerMBean(new StandardMBean(this, JMXSecurityMBean.class), name);
        REGISTERED.set(this);
    }

    @Override
    public synchronized void destroy() throws JMException {
        if (REGISTERED.compareAndSet(this, null) && server.isRegistered(name)) {
            server.unregisterMBean(name); // only our own: a later context's stays
        }
    }

    /** Whether the user may invoke anything on the MBean. */
    @Override
    public boolean canInvoke(String objectName) throws Exception {
        ObjectName mbean = new ObjectName(objectName);
        boolean operator = operator();
        return Arrays.stream(server.getMBeanInfo(mbean).getOperations())
                .map(MBeanOperationInfo::getName)
                .anyMatch(operation -> CockpitJmxPolicy.mayInvoke(mbean, operation, operator));
    }

    @Override
    public boolean canInvoke(String objectName, String methodName) throws Exception {
        return CockpitJmxPolicy.mayInvoke(new ObjectName(objectName), methodName, operator());
    }

    @Override
    public boolean canInvoke(String objectName, String methodName, String[] argumentTypes) throws Exception {
        return canInvoke(objectName, methodName);
    }

    /** For each MBean, each operation ("name(type,...)") asked about: may the user invoke it. */
    @Override
    public TabularData canInvoke(Map<String, List<String>> bulkQuery) throws Exception {
        TabularData answer = new TabularDataSupport(CAN_INVOKE_TABULAR_TYPE);
        for (Map.Entry<String, List<String>> entry : bulkQuery.entrySet()) {
            String mbean = entry.getKey();
            if (entry.getValue().isEmpty()) {
                answer.put(row(mbean, "", canInvoke(mbean)));
            }
            for (String operation : entry.getValue()) {
                answer.put(row(mbean, operation, canInvoke(mbean, operation)));
            }
        }
        return answer;
    }

    private static CompositeDataSupport row(String mbean, String operation, boolean allowed) throws OpenDataException {
        return new CompositeDataSupport(CAN_INVOKE_RESULT_ROW_TYPE, CAN_INVOKE_RESULT_COLUMNS,
                new Object[] {mbean, operation, allowed});
    }

    private static boolean operator() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getAuthorities().stream()
                .anyMatch(a -> a.getAuthority().equals("ROLE_" + Roles.OPERATOR));
    }
}
