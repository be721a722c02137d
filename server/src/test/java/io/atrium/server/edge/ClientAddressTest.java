package io.atrium.server.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    record Case(String name, List<String> trusted, String peer, List<String> forwardedFor, String want) {
    }

    @Test
    void theClientIsThePeerUnlessATrustedProxySaysOtherwise() {
        List<String> proxies = List.of("10.0.0.0/8", "192.0.2.7", "fd00::/8");
        List<Case> cases = List.of(
                new Case("no proxies: header ignored", List.of(), "198.51.100.1", List.of("203.0.113.9"), "198.51.100.1"),
                new Case("untrusted peer: header ignored", proxies, "198.51.100.1", List.of("203.0.113.9"), "198.51.100.1"),
                new Case("trusted peer, no header", proxies, "10.1.2.3", List.of(), "10.1.2.3"),
                new Case("trusted peer: the entry it appended", proxies, "10.1.2.3", List.of("203.0.113.9"), "203.0.113.9"),
                new Case("a spoofed entry left of the real one is skipped", proxies, "10.1.2.3",
                        List.of("1.1.1.1, 203.0.113.9"), "203.0.113.9"),
                new Case("chains of trusted proxies are walked", proxies, "192.0.2.7",
                        List.of("203.0.113.9, 10.9.9.9"), "203.0.113.9"),
                new Case("several header lines are one list", proxies, "10.1.2.3",
                        List.of("1.1.1.1", "203.0.113.9, 10.0.0.1"), "203.0.113.9"),
                new Case("garbage written behind a trusted hop: the last good hop", proxies, "10.1.2.3",
                        List.of("evil.example, 10.0.0.5"), "10.0.0.5"),
                new Case("host names are never looked up", proxies, "10.1.2.3", List.of("localhost"), "10.1.2.3"),
                new Case("IPv6 peer and client: the client's /64", proxies, "fd00::1", List.of("2001:db8::42"),
                        "2001:db8:0:0:0:0:0:0/64"),
                new Case("bracketed IPv6", proxies, "[fd00::1]", List.of("[2001:db8:1:2:3:4:5:6]"), "2001:db8:1:2:0:0:0:0/64"),
                new Case("an IPv6 peer without proxies", List.of(), "[2001:db8:1:2::7]", List.of(), "2001:db8:1:2:0:0:0:0/64"),
                new Case("an IPv4-mapped IPv6 client is IPv4", proxies, "10.1.2.3", List.of("::ffff:203.0.113.9"), "203.0.113.9"),
                new Case("all trusted: the leftmost", proxies, "10.1.2.3", List.of("10.0.0.9, 10.0.0.8"), "10.0.0.9"));
        for (Case c : cases) {
            String got = new ClientAddress(c.trusted()).resolve(c.peer(), Collections.enumeration(c.forwardedFor()));
            assertThat(got).as(c.name()).isEqualTo(c.want());
        }
    }

    @Test
    void oneIpv6Slash64IsOneClient() {
        assertThat(ClientAddress.bucket("2001:db8:aa:bb:1:2:3:4")).isEqualTo(ClientAddress.bucket("2001:db8:aa:bb::ffff"))
                .isEqualTo("2001:db8:aa:bb:0:0:0:0/64");
        assertThat(ClientAddress.bucket("2001:db8:aa:bc::1")).as("the next /64 is another client")
                .isEqualTo("2001:db8:aa:bc:0:0:0:0/64");
        assertThat(ClientAddress.bucket("203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(ClientAddress.bucket("unknown")).as("not an address: as it is").isEqualTo("unknown");
    }

    @Test
    void trustedProxyPatternsAreLiteralsOrBlocks() {
        assertThat(io.atrium.server.config.AddressPatterns.valid("10.0.0.0/8")).isTrue();
        assertThat(io.atrium.server.config.AddressPatterns.valid("127.0.0.1")).isTrue();
        assertThat(io.atrium.server.config.AddressPatterns.valid("::1")).isTrue();
        assertThat(io.atrium.server.config.AddressPatterns.valid("fd00::/8")).isTrue();
        assertThat(io.atrium.server.config.AddressPatterns.valid("10.0.0.1-10.0.0.9")).isTrue();
        assertThat(io.atrium.server.config.AddressPatterns.valid("proxy.example.com")).isFalse();
        assertThat(io.atrium.server.config.AddressPatterns.valid("10.0.0.0/x")).isFalse();
        assertThat(io.atrium.server.config.AddressPatterns.valid("")).isFalse();
    }
}
