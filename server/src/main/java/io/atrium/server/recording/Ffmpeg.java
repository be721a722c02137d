package io.atrium.server.recording;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Runs ffmpeg as a subprocess: its lines to a listener, a time limit, its own words in the error when it fails. */
final class Ffmpeg {

    private static final int MAX_SAID = 4000;

    private Ffmpeg() {
    }

    /**
     * Runs {@code command} (stdin closed, stderr merged into stdout); each output line goes to {@code lines}. Returns
     * the CPU time the process had used at its last line (with {@code -progress}, within half a second of its end). A non-zero exit or a run over {@code timeoutMinutes} is a
     * {@link TrackFileException} naming {@code what} with what ffmpeg printed (progress lines, {@code key=value},
     * left out).
     */
    static Duration run(List<String> command, Consumer<String> lines, long timeoutMinutes, String what) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        StringBuilder said = new StringBuilder();
        Duration cpu = Duration.ZERO;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.accept(line);
                cpu = p.info().totalCpuDuration().orElse(cpu); // gone once the process has exited
                if (!line.matches("[a-z_0-9]+=.*") && said.length() < MAX_SAID) {
                    said.append(line).append('\n');
                }
            }
        }
        try {
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new TrackFileException(what + " took more than " + timeoutMinutes + " minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TrackFileException("interrupted while ffmpeg ran (" + what + ")", e);
        }
        if (p.exitValue() != 0) {
            throw new TrackFileException(what + ": ffmpeg failed (exit " + p.exitValue() + "): " + said.toString().strip());
        }
        return cpu;
    }
}
