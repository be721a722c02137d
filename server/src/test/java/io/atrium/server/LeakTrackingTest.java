package io.atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetector.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The launcher turns Netty's buffer leak tracking off ({@link Main#leakTrackingOnlyWhenAsked}: its stack traces cost the
 * media thread CPU and garbage, docs/PERFORMANCE.md) unless {@code -Dio.netty.leakDetection.level} asks for it. Isolated:
 * it changes the process's level and property for a moment.
 */
@Isolated
class LeakTrackingTest {

    private static final String PROPERTY = "io.netty.leakDetection.level";

    @Test
    void offUnlessThePropertyAsks() {
        Level before = ResourceLeakDetector.getLevel();
        String property = System.getProperty(PROPERTY);
        try {
            ResourceLeakDetector.setLevel(Level.SIMPLE);
            System.clearProperty(PROPERTY);
            Main.leakTrackingOnlyWhenAsked();
            assertThat(ResourceLeakDetector.getLevel()).as("no property: off").isEqualTo(Level.DISABLED);

            ResourceLeakDetector.setLevel(Level.PARANOID);
            System.setProperty(PROPERTY, "paranoid");
            Main.leakTrackingOnlyWhenAsked();
            assertThat(ResourceLeakDetector.getLevel()).as("asked for: kept").isEqualTo(Level.PARANOID);
        } finally {
            ResourceLeakDetector.setLevel(before);
            if (property == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, property);
            }
        }
    }
}
