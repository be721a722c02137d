package io.atrium.bench;

import io.atrium.webrtc.util.Bytes;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.concurrent.TimeUnit;

/**
 * <b>What it measures:</b> the same per-packet work as {@code SrtpBenchmark} with
 * {@code SRTP_AES128_CM_HMAC_SHA1_80}, done the plain JDK way: {@code AES/CTR/NoPadding} with one
 * {@code Cipher.init} (RFC 3711 section 4.1.1 IV) and one {@code doFinal} per packet, and a
 * {@code javax.crypto.Mac} {@code HmacSHA1} over header, payload and ROC (RFC 3711 section 4.2)
 * truncated to 80 bits.
 *
 * <p>This is the yardstick for Atrium's {@code AesCounterMode} (the same JCA {@code AES/CTR}, but
 * re-initialised with reused key and counter objects, and never in place) and {@code HmacSha1} (two
 * reused {@code MessageDigest}s). No index estimation or replay check happens here.
 *
 * <ul>
 *   <li>{@link #protect}: next index, rewrite the sequence number, encrypt in place, append the tag.</li>
 *   <li>{@link #unprotect}: copy the next of {@link SrtpBenchmark#RING} pre-protected packets into a
 *       receive buffer, verify the tag, decrypt in place.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JdkCtrHmacBaseline {
    private static final int HEADER = SrtpBenchmark.HEADER;
    private static final int RING = SrtpBenchmark.RING;
    private static final int TAG = 10;

    @Param({"160", "1200"})
    int payloadSize;

    int plainLength;
    int protectedLength;

    private SecretKeySpec key;
    private byte[] salt;
    private Cipher encryptor;
    private Cipher decryptor;
    private Mac mac;
    private final byte[] iv = new byte[16];
    private final byte[] roc = new byte[4];
    private final byte[] digest = new byte[20];

    private byte[] sendBuf;
    private long index;

    private byte[][] ring;
    byte[] receiveBuf;
    private int next;

    @Setup
    public void setUp() throws GeneralSecurityException {
        key = new SecretKeySpec(Fixtures.bytes(16, 1), "AES");
        salt = Fixtures.bytes(14, 2);
        encryptor = Cipher.getInstance("AES/CTR/NoPadding");
        decryptor = Cipher.getInstance("AES/CTR/NoPadding");
        mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(Fixtures.bytes(20, 4), "HmacSHA1"));
        plainLength = HEADER + payloadSize;
        protectedLength = plainLength + TAG;
        sendBuf = packet(0x1000);
        index = 0x1000;

        ring = new byte[RING][];
        for (int i = 0; i < RING; i++) {
            ring[i] = packet(0x1000 + i);
            seal(encryptor, ring[i], 0x1000 + i);
        }
        receiveBuf = new byte[protectedLength];
        next = 0;
    }

    private byte[] packet(int seq) {
        byte[] buf = new byte[protectedLength];
        buf[0] = (byte) 0x80;
        buf[1] = (byte) 96;
        Bytes.put16(buf, 2, seq);
        Bytes.put32(buf, 8, SrtpBenchmark.SSRC);
        System.arraycopy(Fixtures.bytes(payloadSize, 3), 0, buf, HEADER, payloadSize);
        return buf;
    }

    /** RFC 3711 section 4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16). */
    private void formIv(long i) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        Bytes.put32(iv, 4, Bytes.i32(iv, 4) ^ SrtpBenchmark.SSRC);
        Bytes.put16(iv, 8, Bytes.u16(iv, 8) ^ (int) (i >>> 32) & 0xFFFF);
        Bytes.put32(iv, 10, Bytes.i32(iv, 10) ^ (int) i);
    }

    /** HMAC-SHA1 over buf[0, plainLength) || ROC into {@link #digest}. */
    private void authenticate(byte[] buf, long i) throws GeneralSecurityException {
        Bytes.put32(roc, 0, (int) (i >>> 16));
        mac.update(buf, 0, plainLength);
        mac.update(roc);
        mac.doFinal(digest, 0);
    }

    private int seal(Cipher cipher, byte[] buf, long i) throws GeneralSecurityException {
        formIv(i);
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        cipher.doFinal(buf, HEADER, payloadSize, buf, HEADER);
        authenticate(buf, i);
        System.arraycopy(digest, 0, buf, plainLength, TAG);
        return protectedLength;
    }

    /** One JDK AES-CTR encryption plus HMAC-SHA1-80 of a packet; returns the SRTP length. */
    @Benchmark
    public int protect() throws GeneralSecurityException {
        long i = ++index;
        Bytes.put16(sendBuf, 2, (int) i & 0xFFFF);
        return seal(encryptor, sendBuf, i);
    }

    /** One receive-buffer fill, HMAC-SHA1-80 check and JDK AES-CTR decryption; returns the RTP length. */
    @Benchmark
    public int unprotect() throws GeneralSecurityException {
        int r = next == RING ? 0 : next;
        next = r + 1;
        System.arraycopy(ring[r], 0, receiveBuf, 0, protectedLength);
        long i = 0x1000 + r;
        authenticate(receiveBuf, i);
        int diff = 0;
        for (int k = 0; k < TAG; k++) {
            diff |= digest[k] ^ receiveBuf[plainLength + k];
        }
        if (diff != 0) {
            return -1;
        }
        formIv(i);
        decryptor.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(iv));
        decryptor.doFinal(receiveBuf, HEADER, payloadSize, receiveBuf, HEADER);
        return plainLength;
    }
}
