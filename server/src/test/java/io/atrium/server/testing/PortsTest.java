package io.atrium.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The tests' own server ports stay below the kernel's ephemeral range, however the machine sets it. */
class PortsTest {

    @Test
    void theWindowEndsBelowTheEphemeralRange() {
        assertThat(Ports.pairsBelow("32768\t60999\n")).isEqualTo(5_000); // the default: 10000-19999
        assertThat(Ports.pairsBelow("15000 60999")).isEqualTo(2_500); // 10000-14999
        assertThat(Ports.pairsBelow("11000 60999")).isEqualTo(Ports.MIN_PAIRS);
        assertThatThrownBy(() -> Ports.pairsBelow("1024 65535")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start at 1024").hasMessageContaining("net.ipv4.ip_local_port_range");
    }

    @Test
    void aFreePortIsBelowThisMachinesRangeAndFreeForUdpTcpAndTheNextUdp() throws Exception {
        String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
        int low = Integer.parseInt(range.trim().split("\\s+")[0]);
        int port = Ports.free();
        assertThat(port).isBetween(10_000, low - 2);
        try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getLoopbackAddress());
             DatagramSocket rtcp = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress());
             ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(Ports.free()).isNotEqualTo(port);
        }
    }
}
