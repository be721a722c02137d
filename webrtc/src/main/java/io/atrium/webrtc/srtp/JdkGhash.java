package io.atrium.webrtc.srtp;

import io.atrium.webrtc.util.Bytes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * GHASH (NIST SP 800-38D section 6.4) on the JDK's own implementation, {@code com.sun.crypto.provider.GHASH}, whose
 * block loop is a HotSpot intrinsic on the CPU's carry-less multiply (PCLMULQDQ): the same code the JDK's
 * {@code AES/GCM} runs, without the ~1 kB of engine state that cipher builds per packet. The class is internal to
 * {@code java.base}; it is reached only when the launcher opens its package
 * ({@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED}, or {@code Add-Opens} in the jar's manifest),
 * and {@link AesGcm} uses it only after it gave the JDK cipher's answer on a test vector; otherwise
 * {@link #available()} is false and {@link AesGcm} stays on the JDK cipher. Zero allocation per use.
 *
 * <p>Input is absorbed in any pieces ({@link #absorb}); {@link #pad} zero-fills the last partial block of a section
 * (the associated data, then the ciphertext) and {@link #finish} appends the lengths block and writes the hash.
 * Not thread-safe.
 */
final class JdkGhash {
    private static final MethodHandle NEW;
    private static final MethodHandle UPDATE;
    private static final MethodHandle STATE;

    static {
        MethodHandle make = null;
        MethodHandle update = null;
        MethodHandle state = null;
        try {
            Class<?> c = Class.forName("com.sun.crypto.provider.GHASH");
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
            make = l.findConstructor(c, MethodType.methodType(void.class, byte[].class))
                    .asType(MethodType.methodType(Object.class, byte[].class));
            update = l.findVirtual(c, "update", MethodType.methodType(int.class, byte[].class, int.class, int.class))
                    .asType(MethodType.methodType(int.class, Object.class, byte[].class, int.class, int.class));
            state = l.findGetter(c, "state", long[].class).asType(MethodType.methodType(long[].class, Object.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            make = null; // not opened to us, or another JDK's internals: the JDK cipher does GCM
        }
        NEW = make;
        UPDATE = update;
        STATE = state;
    }

    private final Object ghash;
    /** The JDK object's running hash, two big-endian 64-bit halves; read for the result and zeroed to start again. */
    private final long[] state;
    private final byte[] pending = new byte[AesCounterMode.BLOCK];
    private int pendingLength;

    private JdkGhash(Object ghash) throws Throwable {
        this.ghash = ghash;
        this.state = (long[]) STATE.invokeExact(ghash);
    }

    /** Whether the JDK's GHASH can be reached at all. */
    static boolean available() {
        return NEW != null;
    }

    /** A GHASH under hash subkey {@code h} (16 octets, {@code E_K(0^128)}), or null when not {@link #available()}. */
    static JdkGhash create(byte[] h) {
        if (NEW == null) {
            return null;
        }
        try {
            return new JdkGhash((Object) NEW.invokeExact(h));
        } catch (Throwable e) {
            return null;
        }
    }

    /** Hashes {@code b[off, off+len)} after what was absorbed before. */
    void absorb(byte[] b, int off, int len) {
        if (pendingLength > 0) {
            int n = Math.min(len, pending.length - pendingLength);
            System.arraycopy(b, off, pending, pendingLength, n);
            pendingLength += n;
            off += n;
            len -= n;
            if (pendingLength < pending.length) {
                return;
            }
            blocks(pending, 0, pending.length);
            pendingLength = 0;
        }
        int whole = len & ~(AesCounterMode.BLOCK - 1);
        blocks(b, off, whole);
        System.arraycopy(b, off + whole, pending, 0, len - whole);
        pendingLength = len - whole;
    }

    /** Ends a section: its last partial block is hashed zero-padded. */
    void pad() {
        if (pendingLength > 0) {
            java.util.Arrays.fill(pending, pendingLength, pending.length, (byte) 0);
            blocks(pending, 0, pending.length);
            pendingLength = 0;
        }
    }

    /**
     * Hashes the lengths block ({@code aadOctets}, {@code dataOctets} in bits), writes the hash to {@code out[0, 16)}
     * and starts again.
     */
    void finish(long aadOctets, long dataOctets, byte[] out) {
        pad();
        Bytes.put64(pending, 0, aadOctets * 8);
        Bytes.put64(pending, 8, dataOctets * 8);
        blocks(pending, 0, pending.length);
        Bytes.put64(out, 0, state[0]);
        Bytes.put64(out, 8, state[1]);
        state[0] = 0;
        state[1] = 0;
    }

    private void blocks(byte[] b, int off, int len) {
        if (len == 0) {
            return;
        }
        try {
            int unused = (int) UPDATE.invokeExact(ghash, b, off, len);
        } catch (Throwable e) {
            throw new IllegalStateException("the JDK's GHASH failed", e);
        }
    }
}
