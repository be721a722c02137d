package io.atrium.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The suite's two lanes stay honest: a test class that reaches a helper starting browsers, interop clients,
 * network namespaces or several nodes — directly, through its nested classes, its superclasses or other test
 * helpers (e.g. {@code Participant} → {@link Chromium}) — is {@link Heavy}, so it never runs beside another
 * such class; and the classes that do not are left in the light lane.
 */
class HeavyClassesTest {

    static final List<Class<?>> HEAVY_HELPERS = List.of(Chromium.class, NodeClients.class, ExternalPeer.class,
            NetNamespace.class, ClusterNodes.class);

    static final JavaClasses TEST_CLASSES = new ClassFileImporter()
            .withImportOption(location -> location.contains("/test-classes/"))
            .importPackages("io.atrium.server");

    @Test
    void everyClassUsingABrowserANamespaceOrAClusterIsHeavy() {
        List<String> unmarked = TEST_CLASSES.stream()
                .filter(c -> c.getSimpleName().endsWith("Test") && c.getEnclosingClass().isEmpty())
                .filter(c -> !c.isEquivalentTo(HeavyClassesTest.class)) // names the helpers, starts none
                .filter(c -> reachesHeavyHelper(c, new HashSet<>()) && !heavy(c))
                .map(JavaClass::getName).sorted().toList();
        assertThat(unmarked).as("test classes that start browsers, interop clients, namespaces or clusters but are not "
                + "@Heavy (they would run beside another heavy class)").isEmpty();
    }

    @Test
    void theRuleSeesTheHelpersThroughOtherHelpers() {
        JavaClass participant = TEST_CLASSES.get("io.atrium.server.web.Participant");
        JavaClass testServer = TEST_CLASSES.get(TestServer.class);
        assertThat(reachesHeavyHelper(participant, new HashSet<>())).as("Participant reaches Chromium").isTrue();
        assertThat(reachesHeavyHelper(testServer, new HashSet<>())).as("TestServer starts nothing heavy").isFalse();
        assertThat(heavy(TEST_CLASSES.get("io.atrium.server.sfu.GStreamerInteropTest"))).as("inherited from Interop").isTrue();
    }

    private static boolean heavy(JavaClass c) {
        return c.isAnnotatedWith(Heavy.class) || c.getAllRawSuperclasses().stream().anyMatch(s -> s.isAnnotatedWith(Heavy.class));
    }

    /** Whether {@code c} (its code, nested classes and superclasses) reaches a heavy helper through test-side classes. */
    private static boolean reachesHeavyHelper(JavaClass c, Set<String> seen) {
        if (!seen.add(c.getName())) {
            return false;
        }
        if (HEAVY_HELPERS.stream().anyMatch(c::isEquivalentTo)) {
            return true;
        }
        Set<JavaClass> next = new HashSet<>(c.getAllRawSuperclasses());
        c.getDirectDependenciesFromSelf().forEach(d -> next.add(d.getTargetClass()));
        return next.stream().filter(t -> TEST_CLASSES.contain(t.getName()))
                .filter(t -> t.getName().startsWith(c.getName() + "$") || !t.getSimpleName().endsWith("Test"))
                .anyMatch(t -> reachesHeavyHelper(t, seen));
    }
}
