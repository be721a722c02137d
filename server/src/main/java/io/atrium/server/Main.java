package io.atrium.server;

import io.atrium.server.config.AtriumConfig;
import io.atrium.server.config.CommandLine;
import io.atrium.server.config.Compat;
import io.atrium.server.config.ConfigException;
import io.atrium.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The command line entry point: parse flags, load config, start, stop on SIGTERM. */
public final class Main {

    private Main() {
    }

    /** Exit status after an {@link OutOfMemoryError} or another {@link VirtualMachineError}. */
    static final int EXIT_FATAL = 3;

    public static void main(String[] args) {
        exitOnFatalErrors();
        leakTrackingOnlyWhenAsked();
        System.exit(run(args));
    }

    /**
     * Makes any {@link VirtualMachineError} (above all {@link OutOfMemoryError}) end the process at
     * once with {@link #EXIT_FATAL}, so a supervisor (systemd {@code Restart=on-failure}, Docker, k8s)
     * starts a fresh one instead of a half-working server answering 500 forever. It sees errors that
     * reach a thread's end and those the HTTP edge and the media socket pass on (they hand them to the
     * default handler); {@code java -XX:+ExitOnOutOfMemoryError -jar atrium.jar} (docs/SECURITY.md)
     * also covers allocations that fail where no code of Atrium's can see them.
     */
    static void exitOnFatalErrors() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (error instanceof VirtualMachineError) {
                try {
                    System.err.println("atrium: fatal " + error + " in thread " + thread.getName()
                            + "; exiting with status " + EXIT_FATAL + " so a supervisor restarts Atrium");
                    System.err.flush();
                } finally {
                    Runtime.getRuntime().halt(EXIT_FATAL);
                }
            } else if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                LoggerFactory.getLogger("atrium").error("uncaught exception in thread {}", thread.getName(), error);
            }
        });
    }

    /**
     * Turns Netty's buffer leak tracking off unless {@code -Dio.netty.leakDetection.level} asks for it. By default
     * Netty tracks one buffer in 128 with a stack trace at its allocation and release; the media thread allocates a
     * pooled buffer per egress run, and in a steady 1x50 room that tracking was 3.4 % of the media thread's CPU
     * (Linux {@code perf}, docs/PERFORMANCE.md) and stack-trace garbage. The tests' servers keep Netty's default.
     */
    static void leakTrackingOnlyWhenAsked() {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
    }

    static int run(String[] args) {
        try {
            CommandLine cli = CommandLine.parse(args);
            if (cli.help()) {
                System.out.print(CommandLine.USAGE);
                return 0;
            }
            if (cli.version()) {
                System.out.println("atrium " + version());
                return 0;
            }
            AtriumConfig config = new ConfigLoader().load(cli, System.getenv());
            Logger log = LoggerFactory.getLogger("atrium");
            AtriumServer server = AtriumServer.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("shutting down");
                server.cluster().ifPresent(io.atrium.server.cluster.Cluster::drainBeforeStopping);
                server.close();
                log.info("stopped");
            }, "atrium-shutdown"));
            log.info("version={} listening on http://{}:{}/ (media UDP port {}), data in {}", version(),
                    config.http().host(), server.httpPort(), config.rtc().port(), config.dataPath().toAbsolutePath());
            if (config.isDev()) {
                devValues(config).forEach(System.out::println);
                System.out.println("Atrium dev mode: open http://localhost:" + server.httpPort() + "/ — API key 'devkey', secret 'secret'"
                        + " (curl -u devkey:secret http://localhost:" + server.httpPort() + "/v1/rooms)");
                server.sip().ifPresent(sip -> System.out.println("Atrium dev mode: SIP on udp and tcp " + sip.address()
                        + ", realm '" + config.sip().realm() + "' (docs/SIP.md)"));
            }
            Thread.currentThread().join();
            return 0;
        } catch (ConfigException e) {
            System.err.println("atrium: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** What each facade needs in dev mode, for a person to try it at once (printed before the "open" line). */
    public static List<String> devValues(AtriumConfig config) {
        List<String> lines = new ArrayList<>();
        if (config.compat().live().passcode().equals(Compat.DEV_PASSCODE)) {
            lines.add("Atrium dev mode: live events at /live/ with passcode '" + Compat.DEV_PASSCODE + "'");
        }
        String meetings = config.compat().meetings().adminPasscode().equals(Compat.DEV_PASSCODE)
                ? "passcode '" + Compat.DEV_PASSCODE + "' or " : "";
        lines.add("Atrium dev mode: waiting-room meetings at /meetings/admin.html with " + meetings + "devkey/secret;"
                + " the call control center at /control/ needs nothing");
        return lines;
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
