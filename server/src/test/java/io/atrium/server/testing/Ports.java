package io.atrium.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts on a port of its choosing (Atrium's SIP, SIPp, baresip, linphone, Redis,
 * PostgreSQL, coturn): below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}: 32768-60999
 * by default, and in the test JVM's own network namespace, {@code scripts/isolated/bin/java}, whatever the machine's),
 * so a port found free stays free until the server binds it; on a machine whose range starts lower they stop below it.
 * The kernel hands ports below the range to no socket bound to port 0 (Chromium's ICE, HTTP clients, SIPp's calls); an ephemeral port found free could be taken meanwhile (a
 * cluster node once failed to bind its SIP port so). Ports go out in turn, so that two picked one after the other
 * before either is bound differ; coturn's relay ports lie above ({@link Coturn}).
 */
public final class Ports {
    /** The lowest port {@link #free} hands out; it hands out even ports up to 19998, or below the ephemeral range. */
    private static final int FIRST = 10_000;
    /** Fewest pairs worth running the tests with (a run binds a few hundred such ports). */
    static final int MIN_PAIRS = 500;

    /** Made on the first {@link #free}, so that a machine without room below its range fails there, saying so. */
    private static final class Window {
        /** How many pairs of ports from {@link #FIRST} {@link #free} hands out. */
        static final int PAIRS = pairsBelow(ephemeralRange());
        /** Where {@link #free} looks next, counted in pairs of ports from {@link #FIRST}; a random start. */
        static final AtomicInteger NEXT_PAIR = new AtomicInteger(ThreadLocalRandom.current().nextInt(PAIRS));
    }

    private Ports() {
    }

    /** A port free for both UDP and TCP on 127.0.0.1, with the next one free for UDP too (baresip's and linphone's RTCP). */
    public static int free() {
        for (int i = 0; i < Window.PAIRS; i++) {
            int port = FIRST + 2 * Math.floorMod(Window.NEXT_PAIR.getAndIncrement(), Window.PAIRS);
            try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                 DatagramSocket rtcp = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress());
                 ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken; try the next
            }
        }
        throw new IllegalStateException("no free port for UDP and TCP in " + FIRST + "-" + (FIRST + 2 * Window.PAIRS - 1));
    }

    /**
     * Pairs of ports from {@link #FIRST} that lie below the ephemeral range {@code range} ("low high", as the kernel
     * writes it), at most 5,000; fails saying what to change when fewer than {@link #MIN_PAIRS} do.
     */
    static int pairsBelow(String range) {
        int low = Integer.parseInt(range.trim().split("\\s+")[0]);
        int pairs = Math.min(5_000, Math.max(0, (low - FIRST) / 2));
        if (pairs < MIN_PAIRS) {
            throw new IllegalStateException("the kernel's ephemeral ports start at " + low + ", too low for the tests' servers"
                    + " (ports " + FIRST + " and up): run the tests as root (scripts/test: they get a network namespace of their own)"
                    + " or raise net.ipv4.ip_local_port_range to start at 20000 or above");
        }
        return pairs;
    }

    private static String ephemeralRange() {
        try {
            return String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))); // readString gets "3" of it
        } catch (IOException e) {
            return "32768 60999"; // not Linux: the kernel's default
        }
    }
}
