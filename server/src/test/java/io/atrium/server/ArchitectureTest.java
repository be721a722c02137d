package io.atrium.server;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import io.atrium.server.testing.Chromium;
import io.atrium.server.testing.NetNamespace;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The package dependencies docs/ARCHITECTURE.md and DESIGN.md allow, checked on the compiled classes
 * (ArchUnit): each package may use only the packages below it, {@code webrtc} uses the JDK and BouncyCastle
 * only. What today's code does against the rule is listed in {@link #FROZEN}, each with the reason and the
 * change that removes it (issue 12's redesign); an entry no longer needed fails {@link #frozenExceptionsStillExist}
 * so the list only shrinks.
 */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
            .importPackages("io.atrium");
    static final JavaClasses TESTS = new ClassFileImporter().withImportOption(location -> location.contains("/test-classes/"))
            .importPackages("io.atrium.server");

    /** A dependency against the rules that exists today: from a class to a class (nested classes included), and why. */
    record Frozen(String from, String to, String why) {
        static boolean names(String name, JavaClass c) {
            return c.getName().equals(name) || c.getName().startsWith(name + "$");
        }

        boolean matches(JavaClass origin, JavaClass target) {
            return names(from, origin) && names(to, target);
        }
    }

    static final List<Frozen> FROZEN = List.of();

    static String p(String name) {
        return "io.atrium.server." + name + "..";
    }

    static LayeredArchitecture layers() {
        LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("webrtc").definedBy("io.atrium.webrtc..")
                .layer("config").definedBy(p("config"))
                .layer("edge").definedBy(p("edge"))
                .layer("store").definedBy(p("store"))
                .layer("auth").definedBy(p("auth"))
                .layer("files").definedBy(p("files"))
                .layer("transport").definedBy(p("transport"))
                .layer("sfu").definedBy(p("sfu"))
                .layer("state").definedBy(p("state"))
                .layer("room").definedBy(p("room"))
                .layer("sip").definedBy(p("sip"))
                .layer("recording").definedBy(p("recording"))
                .layer("signal").definedBy(p("signal"))
                .layer("compat").definedBy(p("compat"))
                .layer("api").definedBy(p("api"))
                .layer("webhook").definedBy(p("webhook"))
                .layer("cluster").definedBy(p("cluster"))
                .layer("http").definedBy(p("http"))
                .layer("root").definedBy(describe("the composition root (Main, AtriumServer)",
                        (JavaClass c) -> c.getPackageName().equals("io.atrium.server")))
                .whereLayer("webrtc").mayNotAccessAnyLayer()
                .whereLayer("config").mayNotAccessAnyLayer()
                .whereLayer("edge").mayOnlyAccessLayers("config")
                .whereLayer("store").mayOnlyAccessLayers("config")
                .whereLayer("auth").mayOnlyAccessLayers("config", "store")
                .whereLayer("files").mayOnlyAccessLayers("config", "store", "auth")
                .whereLayer("transport").mayOnlyAccessLayers("webrtc", "config")
                .whereLayer("sfu").mayOnlyAccessLayers("webrtc", "config", "transport")
                .whereLayer("state").mayOnlyAccessLayers("config")
                .whereLayer("room").mayOnlyAccessLayers("webrtc", "config", "edge", "store", "auth", "transport", "sfu", "state")
                .whereLayer("sip").mayOnlyAccessLayers("webrtc", "config", "edge", "store", "auth", "transport", "sfu", "room")
                .whereLayer("recording").mayOnlyAccessLayers("webrtc", "config", "edge", "store", "files", "transport", "sfu",
                        "room")
                .whereLayer("signal").mayOnlyAccessLayers("webrtc", "config", "edge", "store", "auth", "transport", "sfu",
                        "state", "room")
                .whereLayer("compat").mayOnlyAccessLayers("webrtc", "config", "edge", "store", "auth", "files", "transport",
                        "sfu", "state", "room")
                .whereLayer("api").mayOnlyAccessLayers("webrtc", "config", "edge", "store", "auth", "files", "transport",
                        "sfu", "state", "room", "sip", "recording")
                .whereLayer("webhook").mayOnlyAccessLayers("config", "edge", "store", "room", "recording")
                .whereLayer("cluster").mayOnlyAccessLayers("config", "edge", "transport", "sfu", "state", "room")
                .whereLayer("http").mayOnlyBeAccessedByLayers("root");
        for (Frozen f : FROZEN) {
            layers = layers.ignoreDependency(describe(f.from(), (JavaClass c) -> Frozen.names(f.from(), c)),
                    describe(f.to(), (JavaClass c) -> Frozen.names(f.to(), c)));
        }
        return layers;
    }

    @Test
    void packagesDependOnlyDownward() {
        layers().check(CLASSES);
    }

    @Test
    void webrtcUsesTheJdkAndBouncyCastleOnly() {
        classes().that().resideInAPackage("io.atrium.webrtc..").should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "javax..", "org.bouncycastle..", "io.atrium.webrtc..")
                .check(CLASSES);
    }

    /**
     * A test class that measures the whole JVM's heap runs alone: the other lane's class allocates in the same JVM
     * (HostileOfferTest read 2.8 MB per offer beside another class, under 256 KiB alone).
     */
    @Test
    void testClassesThatMeasureTheHeapRunAlone() {
        classes().that().haveSimpleNameEndingWith("Test").and(describe("measure the heap", (JavaClass c) ->
                        c.getMethodCallsFromSelf().stream().anyMatch(call -> call.getTargetOwner().isEquivalentTo(MemoryMXBean.class)
                                && call.getName().equals("getHeapMemoryUsage"))))
                .should().beAnnotatedWith(Isolated.class).check(TESTS);
    }

    /**
     * A test class that makes a network namespace runs alone: the namespace's host end is an interface of the
     * machine while it lives, and a browser in a class running beside it would gather that address.
     */
    @Test
    void testClassesThatMakeANetworkNamespaceRunAlone() {
        classes().that().haveSimpleNameEndingWith("Test").and(describe("make a network namespace", (JavaClass c) ->
                        c.getMethodCallsFromSelf().stream().anyMatch(call -> call.getTargetOwner().isEquivalentTo(NetNamespace.class))))
                .should().beAnnotatedWith(Isolated.class).check(TESTS);
    }

    /**
     * Test classes that drive Chromium (themselves or through a helper such as {@code web.Participant}) hold
     * {@link Chromium#LOCK} or run alone, so two browser classes never share the two cores (its javadoc says why).
     */
    @Test
    void testClassesThatDriveChromiumNeverRunBesideEachOther() {
        classes().that().haveSimpleNameEndingWith("Test").and(describe("drive Chromium", (JavaClass c) -> usesChromium(c)
                        || c.getDirectDependenciesFromSelf().stream().map(Dependency::getTargetClass)
                                .anyMatch(helper -> !helper.getSimpleName().endsWith("Test") && !helper.isEquivalentTo(Chromium.class)
                                        && usesChromium(helper))))
                .should(ArchCondition.from(describe("hold @ResourceLock(Chromium.LOCK) or be @Isolated", (JavaClass c) ->
                        Stream.concat(Stream.of(c), c.getAllRawSuperclasses().stream()).anyMatch(k -> k.isAnnotatedWith(Isolated.class))
                                || c.tryGetAnnotationOfType(ResourceLock.class).map(l -> List.of(l.value()).contains(Chromium.LOCK))
                                        .orElse(false))))
                .check(TESTS);
    }

    private static boolean usesChromium(JavaClass c) {
        return c.getMethodCallsFromSelf().stream().anyMatch(call -> call.getTargetOwner().isEquivalentTo(Chromium.class));
    }

    @Test
    void frozenExceptionsStillExist() {
        for (Frozen f : FROZEN) {
            assertThat(CLASSES.stream().flatMap(c -> c.getDirectDependenciesFromSelf().stream()))
                    .as("%s still uses %s (%s); if not, delete the entry", f.from(), f.to(), f.why())
                    .anyMatch(d -> f.matches(d.getOriginClass(), d.getTargetClass()));
        }
    }
}
