package io.atrium.webrtc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.driver.FuzzedDataProviderImpl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A module's Jazzer targets as one fuzz test, for the normal test run ({@code AllFuzzTargetsTest} of each
 * module): Jazzer fuzzes one target per JVM and a JVM with its agent costs seconds, so the suite fuzzes one
 * test per module, in its own JVM, for {@code atrium.fuzz.duration}. The last byte of an input picks the
 * target (in list order), the rest is that target's input. The seeds are every target's own committed corpus
 * ({@code <Target>Inputs/fuzz/}) with its index appended, so each corpus runs first. A target is a public
 * class with a public no-argument constructor and a {@code @FuzzTest public void fuzz(FuzzedDataProvider)}.
 *
 * <p>Targets are named, not referenced: a class loaded before Jazzer's agent is installed (seeds are read
 * before) gets no coverage instrumentation, so they are loaded on the first input.
 */
public final class FuzzTargets {

    private final List<String> classNames;
    private List<MethodHandle> targets;

    public FuzzTargets(String... classNames) {
        this.classNames = List.of(classNames);
    }

    /** Every file of each target's committed corpus with the target's index appended. */
    public Stream<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < classNames.size(); i++) {
            URL dir = FuzzTargets.class.getResource("/" + classNames.get(i).replace('.', '/') + "Inputs/fuzz");
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
        return seeds.stream();
    }

    /** Runs the target the input's last byte picks on the rest of it. */
    public void run(byte[] input) throws Throwable {
        if (targets == null) {
            targets = instantiate();
        }
        try (FuzzedDataProviderImpl data = FuzzedDataProviderImpl.withJavaData(input)) {
            targets.get(data.consumeInt(0, targets.size() - 1)).invoke((FuzzedDataProvider) data);
        }
    }

    private List<MethodHandle> instantiate() throws ReflectiveOperationException {
        List<MethodHandle> out = new ArrayList<>();
        MethodType fuzz = MethodType.methodType(void.class, FuzzedDataProvider.class);
        for (String name : classNames) {
            Class<?> c = Class.forName(name);
            out.add(MethodHandles.publicLookup().findVirtual(c, "fuzz", fuzz).bindTo(c.getConstructor().newInstance()));
        }
        return out;
    }
}
