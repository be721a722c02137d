package io.atrium.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The npm packages of the interop harness ({@code src/test/resources/interop/node/}: package.json and its
 * committed package-lock.json), installed with {@code npm ci} into {@code ~/.cache/atrium/interop-node/<lock hash>}
 * the first time a test needs them; the scripts are copied beside their node_modules on each use, since ES
 * modules resolve packages from the script's own directory. As root the tests' JVM has no network but loopback
 * (scripts/isolated), so {@code npm ci} here takes the packages from npm's cache ({@code --prefer-offline}), which
 * scripts/test fills beforehand.
 */
public final class NodeClients {
    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "atrium", "interop-node");

    private NodeClients() {
    }

    /** The directory holding the installed packages and the harness scripts. */
    public static synchronized Path install() {
        Path source = ExternalPeer.script("node");
        try {
            byte[] lock = Files.readAllBytes(source.resolve("package-lock.json"));
            Path dir = CACHE.resolve(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lock), 0, 6));
            Path done = dir.resolve(".installed");
            if (!Files.exists(done)) {
                Files.createDirectories(dir);
                Files.copy(source.resolve("package.json"), dir.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
                Files.write(dir.resolve("package-lock.json"), lock);
                ProcessBuilder ci = new ProcessBuilder(List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"))
                        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("npm-ci.log").toFile());
                ci.environment().put("PUPPETEER_SKIP_DOWNLOAD", "1"); // puppeteer-core drives Debian's Firefox, never a download
                Process npm = ci.start();
                if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                    npm.destroyForcibly();
                    throw new IllegalStateException("npm ci failed in " + dir + ": " + Files.readString(dir.resolve("npm-ci.log")));
                }
                Files.writeString(done, "ok\n");
            }
            try (Stream<Path> scripts = Files.list(source)) {
                for (Path s : scripts.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                    Files.copy(s, dir.resolve(s.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
