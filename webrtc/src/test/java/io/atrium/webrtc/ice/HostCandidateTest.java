package io.atrium.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostCandidateTest {
    @ParameterizedTest(name = "type {0} local {1} component {2} -> {3}")
    @CsvSource({
        "126, 65535, 1, 2130706431",
        "126, 65535, 2, 2130706430",
        "110, 65535, 1, 1862270975",
        "100, 65535, 1, 1694498815",
        "0, 65535, 1, 16777215",
        "0, 0, 256, 0",
        "126, 0, 1, 2113929471"})
    void priorityFormula(int type, int local, int component, long expected) {
        assertThat(CandidatePriority.compute(type, local, component)).isEqualTo(expected);
    }

    @Test
    void priorityRejectsOutOfRangeInputs() {
        assertThatThrownBy(() -> CandidatePriority.compute(127, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CandidatePriority.compute(0, 65536, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CandidatePriority.compute(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CandidatePriority.compute(0, 0, 257)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void udpHostCandidateLine() throws Exception {
        HostCandidate c = HostCandidate.udp("1", InetAddress.getByName("127.0.0.1"), 7881);
        assertThat(c.priority()).isEqualTo(2130706431L);
        assertThat(c.toSdp()).isEqualTo("candidate:1 1 udp 2130706431 127.0.0.1 7881 typ host");
    }

    @Test
    void tcpAndIpv6Lines() throws Exception {
        HostCandidate tcp = new HostCandidate("2", 1, HostCandidate.Transport.TCP,
                InetAddress.getByName("10.0.0.5"), 7881, 65534);
        assertThat(tcp.toSdp()).isEqualTo("candidate:2 1 tcp 2130706175 10.0.0.5 7881 typ host tcptype passive");
        HostCandidate v6 = HostCandidate.udp("3", InetAddress.getByName("fe80::1%1"), 9);
        assertThat(v6.toSdp()).isEqualTo("candidate:3 1 udp 2130706431 fe80:0:0:0:0:0:0:1 9 typ host");
    }

    @Test
    void rejectsIllegalFields() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        assertThatThrownBy(() -> HostCandidate.udp("", lo, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostCandidate.udp("a b", lo, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostCandidate.udp("x".repeat(33), lo, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostCandidate.udp("1", lo, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostCandidate.udp("1", null, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostCandidate("1", 0, HostCandidate.Transport.UDP, lo, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
