package io.atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher exits on OutOfMemoryError (issue 11, finding 4): a child JVM with a small heap runs
 * {@link Main#exitOnFatalErrors()} and then runs out of memory on a worker thread; it must end with
 * {@link Main#EXIT_FATAL} at once instead of living on half-broken.
 */
class FatalErrorTest {

    /** The child: installs the handler, exhausts the heap on a worker, then would wait forever. */
    public static void main(String[] args) throws Exception {
        Main.exitOnFatalErrors();
        Thread worker = new Thread(() -> {
            List<byte[]> hog = new ArrayList<>();
            while (true) {
                hog.add(new byte[1 << 20]);
            }
        }, "hog");
        worker.start();
        Thread.sleep(60_000);
        System.exit(0);
    }

    @Test
    void outOfMemoryEndsTheProcessWithTheFatalStatus() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx48m", "-cp", System.getProperty("java.class.path"), FatalErrorTest.class.getName())
                .redirectErrorStream(true).start();
        boolean ended = p.waitFor(45, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("the child exited on its own; output: " + output).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(Main.EXIT_FATAL);
        assertThat(output).contains("atrium: fatal java.lang.OutOfMemoryError").contains("thread hog");
    }
}
