package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

/**
 * What the MP4 and Matroska probe targets check: the probe, called directly (so the RuntimeException guard
 * in {@link MediaProbe} cannot hide a bug), gives a positive finite duration or a {@link MediaFormatException}
 * with a message; nothing else escapes, and it ends (each probe is bounded by its step limits).
 */
final class ContainerProbeFuzzer {

    interface Probe {
        MediaInfo probe(ByteSource source) throws IOException, MediaFormatException;
    }

    private ContainerProbeFuzzer() {
    }

    static void check(Probe probe, byte[] file) throws IOException {
        try {
            MediaInfo info = probe.probe(ByteSource.of(file));
            assertThat(info.durationSeconds()).isPositive().isFinite();
            assertThat(info.container()).isNotNull();
        } catch (MediaFormatException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
