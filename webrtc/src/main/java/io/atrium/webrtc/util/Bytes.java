package io.atrium.webrtc.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian (network byte order) reads and writes of 16, 24, 32 and 64-bit fields in caller-owned
 * arrays, as every RTP, RTCP, STUN and SRTP header lays them out:
 * <pre>
 *   offset:  i        i+1      i+2      i+3
 *          +--------+--------+--------+--------+
 *   put32  | v>>>24 | v>>>16 | v>>>8  |   v    |
 *          +--------+--------+--------+--------+
 * </pre>
 * Nothing here allocates. Callers check bounds first (see {@link #inBounds}); an index outside the
 * array throws {@link IndexOutOfBoundsException}, which on the network path means a missing check.
 */
public final class Bytes {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    /** The unsigned 16-bit value at {@code b[i..i+2)}. */
    public static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    /** The unsigned 24-bit value at {@code b[i..i+3)}. */
    public static int u24(byte[] b, int i) {
        return (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
    }

    /** The 32 bits at {@code b[i..i+4)} as a Java int; {@code Integer.toUnsignedLong} gives the unsigned value. */
    public static int i32(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    /** The 64 bits at {@code b[i..i+8)} as a Java long. */
    public static long i64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    /** Writes the low 16 bits of {@code v} at {@code b[i..i+2)}. */
    public static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    /** Writes the low 24 bits of {@code v} at {@code b[i..i+3)}. */
    public static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }

    /** Writes {@code v} at {@code b[i..i+4)}. */
    public static void put32(byte[] b, int i, int v) {
        INT.set(b, i, v);
    }

    /** Writes {@code v} at {@code b[i..i+8)}. */
    public static void put64(byte[] b, int i, long v) {
        LONG.set(b, i, v);
    }

    /** True when {@code [off, off+len)} is a valid range of {@code b} (false for a null array). */
    public static boolean inBounds(byte[] b, int off, int len) {
        return b != null && off >= 0 && len >= 0 && off <= b.length - len;
    }
}
