package io.atrium.webrtc.stun;

import java.net.InetSocketAddress;

/**
 * XOR-MAPPED-ADDRESS attribute (0x0020), RFC 8489 section 14.2: the reflexive transport address obfuscated
 * so that middleboxes do not rewrite it.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |         X-Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                X-Address (Variable)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * X-Port is the port XOR the 16 most significant bits of the magic cookie. For IPv4, X-Address is the address
 * XOR the magic cookie; for IPv6, XOR the concatenation of magic cookie and transaction id. Every method takes
 * the offset of the enclosing message ({@code msgOff}) because the mask comes from its header.
 */
public final class XorMappedAddress {
    private XorMappedAddress() {
    }

    /**
     * Writes the value for {@code ip} (4 or 16 bytes) and {@code port} at {@code valueOff} of a message whose
     * header (with transaction id already written) starts at {@code msgOff}; returns the value length.
     */
    public static int write(byte[] buf, int msgOff, int valueOff, byte[] ip, int port) {
        return MappedAddress.writeValue(buf, valueOff, ip, port, buf, msgOff);
    }

    /** The decoded port. */
    public static int port(byte[] buf, int msgOff, int valueOff) {
        return MappedAddress.portValue(buf, valueOff, buf, msgOff);
    }

    /** Decodes the address into {@code dst} at {@code dstOff} without allocating; returns 4 or 16. */
    public static int address(byte[] buf, int msgOff, int valueOff, int valueLen, byte[] dst, int dstOff) {
        return MappedAddress.addressValue(buf, valueOff, valueLen, buf, msgOff, dst, dstOff);
    }

    /** Decodes a value already checked by {@link MappedAddress#isWellFormed}; allocates. */
    public static InetSocketAddress read(byte[] buf, int msgOff, int valueOff, int valueLen) {
        return MappedAddress.readValue(buf, valueOff, valueLen, buf, msgOff);
    }
}
