package org.apache.camel.processor.idempotent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/**
 * {@link AtomicClaimsRepository} reaches into Camel's {@link JdbcOrphanLockAwareIdempotentRepository}: it
 * lives in Camel's package to override the package-private {@code keepAlive()} and to use the
 * package-private key type {@code ProcessorNameAndMessageId}, and it replaces {@code add} because Camel
 * 4.17's answers true whatever its insert did. A Camel upgrade that changes any of this fails here, with
 * what to do, instead of silently leaving two hubs reading one package.
 */
class CamelClaimsInternalsTest {

    private static final String WHAT_TO_DO = " AtomicClaimsRepository (routes module, docs/cluster.md \"The claims on "
            + "intake files\") depends on it: read the new JdbcOrphanLockAwareIdempotentRepository, check that claims "
            + "are still one atomic statement by the database's clock and that exactly the held claims are kept "
            + "alive (IntakeClaimsTest, TwoHubsSharedInboxTest), adapt the subclass (or drop it if Camel's own "
            + "class now does all of this) and then this test.";

    private static final Class<?> BASE = JdbcOrphanLockAwareIdempotentRepository.class;

    @Test
    void theKeepAliveTaskIsStillThePackagePrivateMethodTheSubclassOverrides() throws Exception {
        Method base;
        try {
            base = BASE.getDeclaredMethod("keepAlive");
        } catch (NoSuchMethodException e) {
            throw new AssertionError("Camel's JdbcOrphanLockAwareIdempotentRepository has no keepAlive() any more: "
                    + "AtomicClaimsRepository.keepAlive() is then never called, and held claims lapse." + WHAT_TO_DO, e);
        }
        int m = base.getModifiers();
        assertThat(!Modifier.isPublic(m) && !Modifier.isProtected(m) && !Modifier.isPrivate(m) && !Modifier.isFinal(m))
                .as("keepAlive() is no longer package-private and overridable (now '%s')." + WHAT_TO_DO,
                        Modifier.toString(m))
                .isTrue();
        assertThat(base.getReturnType()).as("keepAlive()'s signature changed." + WHAT_TO_DO).isEqualTo(void.class);
        assertThat(AtomicClaimsRepository.class.getDeclaredMethod("keepAlive").getDeclaringClass())
                .isEqualTo(AtomicClaimsRepository.class);
    }

    @Test
    void theHeldKeysAreStillThePackagePrivateTypeInTheSetKeepAliveReads() throws Exception {
        Class<?> key;
        try {
            key = Class.forName(BASE.getName() + "$ProcessorNameAndMessageId");
        } catch (ClassNotFoundException e) {
            throw new AssertionError("Camel's kept-alive key type ProcessorNameAndMessageId is gone." + WHAT_TO_DO, e);
        }
        assertThat(Modifier.isPublic(key.getModifiers()))
                .as("ProcessorNameAndMessageId is public now: AtomicClaimsRepository need not live in Camel's "
                        + "package any more; move it into energyhub.routing.cluster." + WHAT_TO_DO)
                .isFalse();
        assertThat(key.getConstructor(String.class, String.class)).isNotNull();
        assertThat(key.getMethod("getProcessorName").getReturnType()).isEqualTo(String.class);
        assertThat(key.getMethod("getMessageId").getReturnType()).isEqualTo(String.class);
        Method set = BASE.getMethod("getProcessorNameMessageIdSet");
        assertThat(set.getReturnType()).as("the held keys are no longer a Set." + WHAT_TO_DO).isEqualTo(Set.class);
    }

    @Test
    void camelIsTheVersionWhoseAddWasReadAndReplaced() throws Exception {
        // Camel 4.17's add() returns true whenever its count saw no live claim, whatever the insert did; newer
        // Camel checks the insert count. Another version: read its add(), insert() and keepAlive() again.
        String version;
        try (var camel = new DefaultCamelContext()) {
            version = camel.getVersion();
        }
        assertThat(version).as("Camel is %s now, AtomicClaimsRepository was written against 4.17's "
                + "JdbcOrphanLockAwareIdempotentRepository." + WHAT_TO_DO, version).startsWith("4.17.");
    }
}
