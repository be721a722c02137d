package io.atrium.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A test class that drives real browsers, interop clients, network namespaces or a cluster of nodes: it runs in
 * the suite's main lane, one such class at a time, never beside another. Every class not marked runs in the
 * second lane, beside the heavy one of the moment (src/test/resources/junit-platform.properties; README, "Run
 * every test"). {@code HeavyClassesTest} checks that each class using those helpers carries the mark.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Execution(ExecutionMode.SAME_THREAD)
public @interface Heavy {
}
