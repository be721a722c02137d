package io.atrium.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SIPp (Debian {@code sip-tester}) as a real SIP peer: a scenario from {@code src/test/resources/sip/}
 * with {@code @NAME@} placeholders filled in, run against Atrium on 127.0.0.1 for one call, from its
 * own free port. {@link #await()} gives SIPp's exit code (0: the scenario completed) and its error log.
 */
public final class Sipp implements AutoCloseable {

    /** The longest a scenario may run before it is killed and the test fails. */
    public static final long TIMEOUT_SECONDS = 60;
    /**
     * Placeholders a test need not fill: {@code REASON}, the regular expression (POSIX extended, no {@code "} in it:
     * SIPp's attribute ends there) the {@code Reason} header of Atrium's BYE or CANCEL must match where a scenario
     * checks it, by default any, but there must be one; {@code DECLINE}, the status line's code and phrase of a phone
     * that declines ({@code callee-decline.part}), by default {@code 603 Decline}; {@code BYE_HEADERS}, header lines a
     * caller adds to its BYE ({@code caller-answered.part}), each after a newline, by default none, and
     * {@code CANCEL_HEADERS} the same for its CANCEL ({@code caller-cancel.part}); {@code TERMINATE_AFTER}, the
     * milliseconds a ringing phone ({@code callee-ring.part}) takes between its 200 to a CANCEL and its 487, by default 0.
     */
    private static final Map<String, String> DEFAULTS = Map.of("REASON", ".*", "DECLINE", "603 Decline", "BYE_HEADERS", "",
            "CANCEL_HEADERS", "", "ANSWER_AFTER", "0", "TERMINATE_AFTER", "0");

    private final Process process;
    private final Path dir;
    private final int port;

    private Sipp(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** What a finished SIPp run left: exit code, stdout/stderr and the error trace. */
    public record Result(int exitCode, String output, String errors) {
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "SIPp exit " + exitCode + "\n" + output + "\n" + errors;
        }
    }

    /**
     * Starts SIPp with {@code scenario} against {@code 127.0.0.1:sipPort}; {@code args} are further
     * SIPp options, e.g. {@code -s 1001 -au alice -ap secret -t u1}.
     */
    public static Sipp start(String scenario, Map<String, String> fill, int sipPort, String... args) {
        return start(scenario, fill, sipPort, Ports.free(), args);
    }

    /** As above, from SIP port {@code port} (e.g. the one a phone registered from). */
    public static Sipp start(String scenario, Map<String, String> fill, int sipPort, int port, String... args) {
        try {
            Path dir = Files.createTempDirectory("sipp-");
            String text = resource(scenario);
            Map<String, String> all = new java.util.HashMap<>(DEFAULTS);
            all.putAll(fill);
            for (int pass = 0; pass < 3; pass++) { // values may hold placeholders (scenario parts within parts)
                for (var e : all.entrySet()) {
                    text = text.replace("@" + e.getKey() + "@", e.getValue());
                }
            }
            Path file = dir.resolve(scenario);
            Files.writeString(file, text);
            List<String> cmd = new ArrayList<>(List.of("sipp", "127.0.0.1:" + sipPort, "-sf", file.toString(),
                    "-m", "1", "-i", "127.0.0.1", "-p", String.valueOf(port), "-nostdin", "-timeout",
                    TIMEOUT_SECONDS + "s", "-timeout_error", "-trace_err", "-error_file", dir.resolve("errors.log").toString(),
                    "-trace_msg", "-message_file", dir.resolve("messages.log").toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.log").toFile()).start();
            return new Sipp(p, dir, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of {@code src/test/resources/sip/}, e.g. a scenario part to fill into {@code @OUTCOME@}. */
    public static String resource(String name) {
        try (InputStream in = Sipp.class.getResourceAsStream("/sip/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no SIPp resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a scenario to its end. */
    public static Result run(String scenario, Map<String, String> fill, int sipPort, String... args) {
        return run(scenario, fill, sipPort, Ports.free(), args);
    }

    /** Runs a scenario to its end from SIP port {@code port}. */
    public static Result run(String scenario, Map<String, String> fill, int sipPort, int port, String... args) {
        try (Sipp s = start(scenario, fill, sipPort, port, args)) {
            return s.await();
        }
    }

    /** The local SIP port this SIPp uses. */
    public int port() {
        return port;
    }

    /** The SIP messages SIPp sent and received so far. */
    public String messages() {
        return read("messages.log");
    }

    /**
     * Hangs up a call that {@code caller-answered.part} is talking in, now rather than after its {@code HOLD}: sends
     * SIPp an INFO in the call's dialog (its Call-ID, and From and To as in the 200 OK to its INVITE, which SIPp
     * then copies into its BYE) and waits until SIPp got it; {@link #await} then sees the BYE's end. The scenario
     * does not answer the INFO: SIPp sends every message of a call to Atrium, which never sent it.
     */
    public void hangUp() {
        // the room (or the other phone) may see the call before SIPp has logged the 200 OK that answered it: wait for it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String log = messages();
        Matcher ok = ANSWERED.matcher(log);
        Matcher via = VIA.matcher(log);
        while (!(ok.find() && via.find()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for SIPp's answered INVITE", e);
            }
            log = messages();
            ok = ANSWERED.matcher(log);
            via = VIA.matcher(log);
        }
        if (!ok.find(0) || !via.find(0)) {
            throw new AssertionError("no answered INVITE to hang up after 30 s:\n" + log);
        }
        info(ok.group(), Integer.parseInt(via.group(1)), "hang-up");
    }

    /**
     * Lets a scenario that waits for the test ({@code <recv request="INFO"/>}, e.g. a callee answering once the test
     * heard its early media) go on: sends SIPp an INFO in the call of the INVITE it received (its Call-ID, From and To)
     * and waits until SIPp got it.
     */
    public void nudge() {
        Matcher invite = RECEIVED_INVITE.matcher(messages());
        if (!invite.find()) {
            throw new AssertionError("no INVITE received to nudge the call of:\n" + messages());
        }
        info(invite.group(), port, "nudge");
    }

    /** Sends SIPp on {@code sipPort} an INFO in the call of {@code message} (its From, To and Call-ID) and waits for it. */
    private void info(String message, int sipPort, String what) {
        String branch = "z9hG4bK-" + what + "-" + System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] info = ("INFO sip:phone@127.0.0.1:" + sipPort + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + socket.getLocalPort() + ";branch=" + branch + "\r\n"
                    + header(message, "From") + header(message, "To") + header(message, "Call-ID")
                    + "CSeq: 90 INFO\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            socket.send(new DatagramPacket(info, info.length, InetAddress.getLoopbackAddress(), sipPort));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Waits.waitUntil(() -> messages().contains(branch), "SIPp to get the " + what + " INFO",
                java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /** The INVITE a callee's SIPp received (its headers), as SIPp logged it. */
    private static final Pattern RECEIVED_INVITE = Pattern.compile("INVITE sip:\\S+ SIP/2.0\\r?\\n(?:.+\\r?\\n)*");

    /** The 200 OK to an INVITE, as SIPp logged it (received messages end with a blank line). */
    private static final Pattern ANSWERED = Pattern.compile("SIP/2.0 200 OK\\r?\\n(?:.+\\r?\\n)*?CSeq: \\d+ INVITE(?:\\r?\\n.+)*");
    /** The port SIPp sent its INVITE from (its Via). */
    private static final Pattern VIA = Pattern.compile("INVITE sip:\\S+ SIP/2.0\\r?\\nVia: SIP/2.0/UDP [0-9.]+:(\\d+)");

    private static String header(String message, String name) {
        Matcher m = Pattern.compile("(?mi)^" + name + ":.*?(?=\\r?$)").matcher(message);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + message);
        }
        return m.group() + "\r\n";
    }

    /** Waits for SIPp to finish (at most {@link #TIMEOUT_SECONDS} plus a margin). */
    public Result await() {
        try {
            if (!process.waitFor(TIMEOUT_SECONDS + 15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("SIPp did not finish:\n" + read("messages.log") + read("errors.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new Result(process.exitValue(), read("out.log"), read("errors.log") + "\n--- messages\n" + read("messages.log"));
    }

    private String read(String name) {
        try {
            Path f = dir.resolve(name);
            return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /**
     * Waits until this SIPp listens on its port (UDP) and returns it: starting SIPp on a loaded machine, with the
     * other test lane busy, took over 10 s once. The port is looked up in {@code /proc/net/udp}, not probed by
     * binding it (a probe holding the port when SIPp binds makes SIPp exit). A SIPp that exits first (its port
     * taken, a bad scenario) fails the wait at once with SIPp's own output, instead of waiting out the limit.
     */
    public Sipp listening() {
        String local = String.format(" 0100007F:%04X ", port);
        Waits.waitUntil(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("SIPp exited (" + process.exitValue() + ") before it listened on " + port
                        + ":\n" + read("out.log") + "\n" + read("errors.log"));
            }
            try {
                return Files.readString(Path.of("/proc/net/udp")).contains(local);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "SIPp listening on " + port, java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
        return this;
    }
}
