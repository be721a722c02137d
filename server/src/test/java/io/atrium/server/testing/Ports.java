package io.atrium.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the servers a test starts on a port of its choosing (Atrium's SIP, SIPp, baresip, linphone, Redis,
 * PostgreSQL, coturn): below the kernel's ephemeral range (32768-60999 here, {@code /proc/sys/net/ipv4/ip_local_port_range}),
 * so a port found free stays free until the server binds it. The kernel hands ports below the range to no socket bound
 * to port 0 (Chromium's ICE, HTTP clients, SIPp's calls); an ephemeral port found free could be taken meanwhile (a
 * cluster node once failed to bind its SIP port so). Ports go out in turn, so that two picked one after the other
 * before either is bound differ; coturn's relay ports lie above ({@link Coturn}).
 */
public final class Ports {
    /** The lowest port {@link #free} hands out; it hands out even ports up to 19998. */
    private static final int FIRST = 10_000;
    /** Where {@link #free} looks next, counted in pairs of ports from {@link #FIRST}; a random start. */
    private static final AtomicInteger NEXT_PAIR = new AtomicInteger(ThreadLocalRandom.current().nextInt(5_000));

    private Ports() {
    }

    /** A port free for both UDP and TCP on 127.0.0.1, with the next one free for UDP too (baresip's and linphone's RTCP). */
    public static int free() {
        for (int i = 0; i < 5_000; i++) {
            int port = FIRST + 2 * Math.floorMod(NEXT_PAIR.getAndIncrement(), 5_000);
            try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                 DatagramSocket rtcp = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress());
                 ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException e) {
                // taken; try the next
            }
        }
        throw new IllegalStateException("no free port for UDP and TCP in " + FIRST + "-19999");
    }
}
