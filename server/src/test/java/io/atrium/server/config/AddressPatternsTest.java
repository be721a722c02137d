package io.atrium.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressPatternsTest {

    @Test
    void aClientsBlockIsItsIpv6Slash64OrItsIpv4Address() throws Exception {
        assertThat(AddressPatterns.block(InetAddress.getByName("2001:db8:1:2:3:4:5:6")))
                .isEqualTo(InetAddress.getByName("2001:db8:1:2::"));
        assertThat(AddressPatterns.block(InetAddress.getByName("2001:db8:1:2:ffff::1")))
                .as("another address of the same /64").isEqualTo(InetAddress.getByName("2001:db8:1:2::"));
        assertThat(AddressPatterns.block(InetAddress.getByName("192.0.2.7"))).isEqualTo(InetAddress.getByName("192.0.2.7"));
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 7};
        InetAddress dualStack = Inet6Address.getByAddress(null, mapped, 0); // kept as IPv6, as a socket may report it
        assertThat(dualStack).isInstanceOf(Inet6Address.class);
        assertThat(AddressPatterns.block(dualStack)).as("not ::, the /64 of every IPv4 client")
                .isEqualTo(InetAddress.getByName("192.0.2.7"));
    }
}
