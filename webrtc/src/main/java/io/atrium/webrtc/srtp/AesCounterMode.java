package io.atrium.webrtc.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES counter mode (NIST SP 800-38A section 6.5) over one reused JCA {@code AES/CTR/NoPadding}
 * cipher, for RFC 3711 section 4.1.1 AES-CM and the RFC 3711 section 4.3 key derivation.
 *
 * <pre>
 *   counter block:  | iv (16 octets), incremented as one 128-bit big-endian integer per block |
 *   keystream:      E(iv) || E(iv + 1) || E(iv + 2) || ...
 * </pre>
 *
 * <p>The counter increment is RFC 3711's: the whole 128-bit block, big-endian.
 *
 * <p><b>Why this shape:</b> the JDK's CTR intrinsic encrypts many blocks per call, several times
 * faster than one {@code AES/ECB} block at a time, but it needs a {@code Cipher.init} per packet to
 * set the counter. With a {@link javax.crypto.spec.SecretKeySpec} and a new
 * {@link IvParameterSpec} that {@code init} allocates four arrays (the spec, its copy of the IV, the
 * copy {@code getIV} returns, the copy {@code getEncoded} returns). Here both objects are reused:
 * {@link Key#getEncoded} refills one scratch array (the provider copies it and then zeroes it) and
 * {@link Counter#getIV} hands out the live counter array (the provider copies it into its own counter
 * register at {@code init}). Because the key bytes never change, the provider keeps its expanded key
 * schedule. A provider that copies more only costs allocation, never correctness.
 *
 * <p>Encryption runs from the caller's buffer into a scratch array and is copied back: a JCA update
 * whose input and output ranges overlap copies the input first, which would allocate.
 *
 * <p><b>Where it can, the JDK's engine directly</b> ({@link JdkCounterMode}, {@link #DIRECT}): the same intrinsic
 * without the JCA around it — no {@code init} per packet, in place without the copy. Used only after it gave the JCA
 * cipher's keystream here. Not thread-safe; one instance per key per thread.
 */
final class AesCounterMode {
    static final int BLOCK = 16;
    /** Scratch size: one MTU-sized packet per {@code Cipher.update}; longer inputs go in chunks. */
    private static final int CHUNK = 2048;
    /** Whether the JDK's counter-mode engine, reached directly, gave the JCA cipher's keystream in this JVM. */
    static final boolean DIRECT = JdkCounterMode.available() && directAgreesWithTheJca();

    /** The JDK's engine when {@link #DIRECT}; otherwise the JCA cipher and what it needs below. */
    private final JdkCounterMode direct;
    private final Cipher ctr;
    private final Key key;
    private final Counter counter;
    private final byte[] scratch;

    AesCounterMode(byte[] key) {
        this(key, DIRECT);
    }

    /** {@code direct}: the JDK's engine (only when {@link JdkCounterMode#available()}), else the JCA cipher. */
    AesCounterMode(byte[] key, boolean direct) {
        if (direct) {
            this.direct = JdkCounterMode.create(key);
            if (this.direct == null) {
                throw new IllegalArgumentException("AES key rejected: " + key.length + " octets");
            }
            this.ctr = null;
            this.key = null;
            this.counter = null;
            this.scratch = null;
            return;
        }
        this.direct = null;
        this.key = new Key(key);
        this.counter = new Counter();
        this.scratch = new byte[CHUNK];
        try {
            ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, this.key, counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES key rejected: " + key.length + " octets", e);
        }
    }

    /** Restarts the keystream at counter block {@code iv[0, 16)}. */
    void start(byte[] iv) {
        if (direct != null) {
            direct.start(iv);
            return;
        }
        System.arraycopy(iv, 0, counter.block, 0, BLOCK);
        try {
            ctr.init(Cipher.ENCRYPT_MODE, key, counter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR refused a key it accepted before", e);
        }
    }

    /** XORs the next {@code len} keystream octets into {@code buf[off, off+len)}. */
    void apply(byte[] buf, int off, int len) {
        if (direct != null) {
            direct.apply(buf, off, len);
            return;
        }
        try {
            int done = 0;
            while (done < len) {
                int n = Math.min(len - done, CHUNK);
                ctr.update(buf, off + done, n, scratch, 0);
                System.arraycopy(scratch, 0, buf, off + done, n);
                done += n;
            }
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** XORs the keystream that starts at counter block {@code iv} into {@code buf[off, off+len)}. */
    void xorKeystream(byte[] iv, byte[] buf, int off, int len) {
        start(iv);
        apply(buf, off, len);
    }

    /**
     * Runs both ways over keys of the three sizes, counter blocks that carry across 32 and 128 bits, and lengths from
     * 0 to 100 octets in two pieces each, at an offset; the direct way is used only if every keystream matches.
     */
    private static boolean directAgreesWithTheJca() {
        try {
            for (int keyLength : new int[] {16, 24, 32}) {
                byte[] key = new byte[keyLength];
                for (int i = 0; i < key.length; i++) {
                    key[i] = (byte) (29 * i + keyLength);
                }
                AesCounterMode direct = new AesCounterMode(key, true);
                AesCounterMode jca = new AesCounterMode(key, false);
                byte[] iv = new byte[BLOCK];
                for (int len = 0; len <= 100; len++) {
                    java.util.Arrays.fill(iv, (byte) (len % 3 == 0 ? 0xFF : len)); // carries past 32 and 128 bits
                    byte[] a = new byte[len + 5];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = (byte) (i * 7 + len);
                    }
                    byte[] b = a.clone();
                    int split = len / 3;
                    for (AesCounterMode m : new AesCounterMode[] {direct, jca}) {
                        byte[] buf = m == direct ? a : b;
                        m.start(iv);
                        m.apply(buf, 3, split);
                        m.apply(buf, 3 + split, len - split);
                    }
                    if (!java.util.Arrays.equals(a, b)) {
                        return false;
                    }
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * A raw AES key whose {@link #getEncoded} refills one reused array instead of cloning: the JCA
     * provider reads it during {@code init} and zeroes it afterwards.
     */
    private static final class Key implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final byte[] bytes;
        private final byte[] handedOut;

        Key(byte[] bytes) {
            this.bytes = bytes.clone();
            this.handedOut = new byte[bytes.length];
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            System.arraycopy(bytes, 0, handedOut, 0, bytes.length);
            return handedOut;
        }
    }

    /** The initial counter block, handed to the provider without a defensive copy. */
    private static final class Counter extends IvParameterSpec {
        private final byte[] block;

        Counter() {
            this(new byte[BLOCK]);
        }

        private Counter(byte[] block) {
            super(block);
            this.block = block;
        }

        @Override
        public byte[] getIV() {
            return block;
        }
    }
}
