package io.atrium.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded mutation fuzzer over the real clips: byte flips, hostile sizes (0, 1, all ones, small,
 * huge), cuts, deleted and duplicated slices. Every mutant must give a result or a
 * {@link MediaFormatException}: no other exception, no hang (each probe is bounded by the step
 * limits; the whole loop takes seconds). The parsers are called directly, so the RuntimeException
 * guard in {@link MediaProbe} cannot hide a bug here.
 */
class ContainerParserFuzzTest {

    private static final int MUTANTS_PER_CLIP = 4000;

    @ParameterizedTest
    @ValueSource(strings = {"clip-h264-aac.mp4", "clip-mpeg4-faststart.mov", "clip-fragmented.mp4", "clip-vp8-opus.webm",
            "clip-vp9.mkv", "clip-live.webm"})
    void mutantsAreParsedOrRefusedCleanly(String name) {
        byte[] clip = Media.bytes(name);
        boolean matroska = MatroskaProbe.sniff(clip, clip.length);
        Random random = new Random(name.hashCode());
        int accepted = 0;
        long started = System.nanoTime();
        for (int i = 0; i < MUTANTS_PER_CLIP; i++) {
            byte[] mutant = mutate(clip, random);
            try {
                MediaInfo info = matroska ? MatroskaProbe.probe(ByteSource.of(mutant)) : Mp4Probe.probe(ByteSource.of(mutant));
                assertThat(info.durationSeconds()).as("mutant %d of %s", i, name).isPositive();
                accepted++;
            } catch (MediaFormatException refused) {
                // fine: a clear refusal
            } catch (Exception | StackOverflowError e) {
                throw new AssertionError("mutant " + i + " of " + name + " (seed " + name.hashCode() + "): " + e, e);
            }
        }
        // both outcomes happen: many mutations hit mdat or frame data and leave the structure valid
        assertThat(accepted).isBetween(1, MUTANTS_PER_CLIP - 1);
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms for %d mutants", MUTANTS_PER_CLIP).isLessThan(60_000);
    }

    private static byte[] mutate(byte[] clip, Random random) {
        byte[] m = clip.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            // structures sit mostly in the first and last KiB: aim there half the time
            int at = random.nextBoolean() ? random.nextInt(Math.min(m.length, 1024))
                    : Math.max(0, m.length - 1 - random.nextInt(Math.min(m.length, 2048)));
            switch (random.nextInt(6)) {
                case 0 -> m[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> m[at] = (byte) random.nextInt(256);
                case 2 -> {
                    int[] hostile = {0, 1, 7, 8, 9, 16, -1, 0x7FFFFFFF, 0x01FFFFFF, random.nextInt()};
                    int v = hostile[random.nextInt(hostile.length)];
                    for (int k = 0; k < 4 && at + k < m.length; k++) {
                        m[at + k] = (byte) (v >>> (24 - 8 * k));
                    }
                }
                case 3 -> m = Arrays.copyOf(m, random.nextInt(m.length + 1));
                case 4 -> {
                    int len = Math.min(m.length - at, 1 + random.nextInt(16));
                    byte[] shorter = new byte[m.length - len];
                    System.arraycopy(m, 0, shorter, 0, at);
                    System.arraycopy(m, at + len, shorter, at, m.length - at - len);
                    m = shorter;
                }
                default -> {
                    int len = Math.min(m.length - at, 1 + random.nextInt(64));
                    byte[] longer = new byte[m.length + len];
                    System.arraycopy(m, 0, longer, 0, at + len);
                    System.arraycopy(m, at, longer, at + len, m.length - at);
                    m = longer;
                }
            }
            if (m.length == 0) {
                break;
            }
        }
        return m;
    }
}
