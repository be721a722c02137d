package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.server.testing.NetNamespace;
import io.atrium.server.testing.Waits;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The ICE-TCP listener's connections per address count an IPv6 client as its /64, as every per-address limit does
 * (docs/SECURITY.md, finding 9): with {@code rtc.tcp_connections_per_address} 2, connections from three addresses of
 * one /64 leave the third closed, and the next /64 still gets its place. Real TCP from a network namespace the test
 * makes (IPv6 documentation prefix on its veth pair) to a media socket on the host's end: Isolated, as every class
 * that makes one.
 */
@Isolated
class IceTcpIpv6Test {

    static final MediaSocket.TcpRules RULES = new MediaSocket.TcpRules(2, TimeUnit.MINUTES.toMillis(10));

    /** Connects from each source address in turn (one after the other: the listener sees them in this order) and holds every connection until stdin closes. */
    static final String CLIENTS = String.join("\n",
            "import socket, sys",
            "held = []",
            "for src in sys.argv[3:]:",
            "    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)",
            "    s.bind((src, 0))",
            "    s.connect((sys.argv[1], int(sys.argv[2])))",
            "    held.append(s)",
            "    print('connected', src, flush=True)",
            "sys.stdin.read()");

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anIpv6ClientIsItsSlash64() throws Exception {
        String prefix = "2001:db8:" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)) + ":";
        try (NetNamespace ns = NetNamespace.create()) {
            ns.addAddress(true, prefix + "0::1/64");
            ns.addAddress(true, prefix + "1::1/64");
            List<String> sources = List.of(prefix + "0::10", prefix + "0::11", prefix + "0:ffff::12", prefix + "1::10");
            for (String s : sources) {
                ns.addAddress(false, s + "/64");
            }
            try (MediaSocket media = MediaSocket.bind(prefix + "0::1", 0, (buf, len, from) -> { }, RULES)) {
                List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns.name(), "python3", "-c", CLIENTS,
                        prefix + "0::1", String.valueOf(media.tcpPort())));
                command.addAll(sources);
                Process clients = new ProcessBuilder(command).redirectErrorStream(true).start();
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
                    for (String s : sources) {
                        assertThat(out.readLine()).as("the client's connection from " + s).isEqualTo("connected " + s);
                    }
                    Waits.waitUntil(() -> media.tcpRefused() + media.tcpConnections() == sources.size(),
                            "every connection taken or refused", Duration.ofSeconds(30));
                    assertThat(media.tcpRefused()).as("the third address of one /64 refused").isEqualTo(1);
                    assertThat(media.tcpConnections()).as("two from the first /64, one from the next").isEqualTo(3);
                } finally {
                    clients.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                Waits.waitUntil(() -> media.tcpConnections() == 0, "every connection forgotten once closed", Duration.ofSeconds(30));
            }
        }
    }
}
