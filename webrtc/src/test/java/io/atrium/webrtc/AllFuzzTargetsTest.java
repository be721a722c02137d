package io.atrium.webrtc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.driver.FuzzedDataProviderImpl;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every Jazzer target of this module in one fuzz test, for the normal test run: Jazzer fuzzes one target
 * per JVM and a JVM with its agent costs seconds, so the suite runs this one (in its own JVM, fuzzing for
 * {@code atrium.fuzz.duration}) instead of one JVM per target. The last byte of an input picks the target
 * (in the order of {@link #TARGETS}), the rest is that target's input. The seeds are every target's own
 * committed corpus ({@code <Target>Inputs/fuzz/}) with its index appended, so each corpus runs first; crashes
 * found here land in {@code AllFuzzTargetsTestInputs/anyTarget/}. Long runs fuzz one target: docs/SECURITY.md.
 *
 * <p>The targets are named, not referenced: a class loaded before Jazzer's agent is installed (seeds are
 * read before) gets no coverage instrumentation, so they are loaded on the first input.
 */
class AllFuzzTargetsTest {

    static final List<String> TARGETS = List.of("io.atrium.webrtc.stun.StunFuzzer", "io.atrium.webrtc.rtp.RtpFuzzer",
            "io.atrium.webrtc.rtcp.RtcpFuzzer", "io.atrium.webrtc.srtp.SrtpFuzzer", "io.atrium.webrtc.dtls.DtlsRecordFuzzer",
            "io.atrium.webrtc.sdp.SdpFuzzer");
    private static List<MethodHandle> targets;

    static Stream<byte[]> seeds() {
        return taggedSeeds(TARGETS).stream();
    }

    @MethodSource("seeds")
    @FuzzTest
    void anyTarget(byte[] input) throws Throwable {
        if (targets == null) {
            targets = instantiate(TARGETS);
        }
        try (FuzzedDataProviderImpl data = FuzzedDataProviderImpl.withJavaData(input)) {
            targets.get(data.consumeInt(0, targets.size() - 1)).invoke((FuzzedDataProvider) data);
        }
    }

    /** Each target's {@code fuzz(FuzzedDataProvider)} bound to a new instance. */
    static List<MethodHandle> instantiate(List<String> classNames) throws ReflectiveOperationException {
        List<MethodHandle> out = new ArrayList<>();
        for (String name : classNames) {
            Class<?> c = Class.forName(name);
            out.add(MethodHandles.publicLookup().findVirtual(c, "fuzz", MethodType.methodType(void.class, FuzzedDataProvider.class))
                    .bindTo(c.getConstructor().newInstance()));
        }
        return out;
    }

    /** Every file of each target's committed corpus with the target's index appended. */
    static List<byte[]> taggedSeeds(List<String> classNames) {
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < classNames.size(); i++) {
            String name = classNames.get(i);
            URL dir = AllFuzzTargetsTest.class.getResource("/" + name.replace('.', '/') + "Inputs/fuzz");
            if (dir == null) {
                continue;
            }
            try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
                for (Path f : files.sorted().toList()) {
                    byte[] seed = Files.readAllBytes(f);
                    byte[] tagged = Arrays.copyOf(seed, seed.length + 1);
                    tagged[seed.length] = (byte) i;
                    seeds.add(tagged);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return seeds;
    }
}
