package io.atrium.webrtc.stun;

import io.atrium.webrtc.util.Bytes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * MAPPED-ADDRESS attribute (0x0001), RFC 8489 section 14.1: the reflexive transport address in the clear,
 * kept for backwards compatibility with RFC 3489 clients.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |           Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                 Address (32 bits or 128 bits)                 |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Family 0x01 is IPv4 (value length 8), 0x02 is IPv6 (value length 20). The same layout, obfuscated, is used
 * by {@link XorMappedAddress}.
 */
public final class MappedAddress {
    /** Family byte for IPv4. */
    public static final int FAMILY_IPV4 = 0x01;
    /** Family byte for IPv6. */
    public static final int FAMILY_IPV6 = 0x02;
    /** Value length of an IPv4 address attribute. */
    public static final int IPV4_VALUE_LENGTH = 8;
    /** Value length of an IPv6 address attribute. */
    public static final int IPV6_VALUE_LENGTH = 20;

    private MappedAddress() {
    }

    /** Writes the value for {@code ip} (4 or 16 bytes) and {@code port} at {@code valueOff}; returns its length. */
    public static int write(byte[] buf, int valueOff, byte[] ip, int port) {
        return writeValue(buf, valueOff, ip, port, null, 0);
    }

    /** Decodes a value already checked by {@link #isWellFormed}; allocates, so meant for control paths. */
    public static InetSocketAddress read(byte[] buf, int valueOff, int valueLen) {
        return readValue(buf, valueOff, valueLen, null, 0);
    }

    /** True if the value has a known family and the matching length. */
    public static boolean isWellFormed(byte[] buf, int valueOff, int valueLen) {
        int family = buf[valueOff + 1] & 0xFF;
        return valueLen == IPV4_VALUE_LENGTH && family == FAMILY_IPV4
                || valueLen == IPV6_VALUE_LENGTH && family == FAMILY_IPV6;
    }

    /**
     * Shared encoder: when {@code mask} is not null, port and address are XORed with the bytes of the message
     * header starting at {@code maskOff + 4} (magic cookie, then transaction id), as XOR-MAPPED-ADDRESS requires.
     */
    static int writeValue(byte[] buf, int valueOff, byte[] ip, int port, byte[] mask, int maskOff) {
        if (ip == null || (ip.length != 4 && ip.length != 16)) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes");
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        int m = maskOff + 4;
        buf[valueOff] = 0;
        buf[valueOff + 1] = (byte) (ip.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
        int p = mask == null ? port : port ^ Bytes.u16(mask, m);
        Bytes.put16(buf, valueOff + 2, p);
        for (int i = 0; i < ip.length; i++) {
            buf[valueOff + 4 + i] = mask == null ? ip[i] : (byte) (ip[i] ^ mask[m + i]);
        }
        return 4 + ip.length;
    }

    /** Shared port decoder; see {@link #writeValue} for the mask. */
    static int portValue(byte[] buf, int valueOff, byte[] mask, int maskOff) {
        int p = Bytes.u16(buf, valueOff + 2);
        return mask == null ? p : p ^ Bytes.u16(mask, maskOff + 4);
    }

    /** Shared address decoder into {@code dst}; returns 4 or 16. */
    static int addressValue(byte[] buf, int valueOff, int valueLen, byte[] mask, int maskOff, byte[] dst, int dstOff) {
        int n = valueLen - 4;
        for (int i = 0; i < n; i++) {
            byte b = buf[valueOff + 4 + i];
            dst[dstOff + i] = mask == null ? b : (byte) (b ^ mask[maskOff + 4 + i]);
        }
        return n;
    }

    static InetSocketAddress readValue(byte[] buf, int valueOff, int valueLen, byte[] mask, int maskOff) {
        byte[] ip = new byte[valueLen - 4];
        addressValue(buf, valueOff, valueLen, mask, maskOff, ip, 0);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), portValue(buf, valueOff, mask, maskOff));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("unreachable: address length is 4 or 16", e);
        }
    }
}
