package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.atrium.webrtc.util.Bytes;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Per-packet allocation once every SSRC has state (DESIGN.md style rule 2): both profiles allocate nothing, for good,
 * forged and RTCP packets alike. SRTP_AEAD_AES_128_GCM does so composed from the JDK's intrinsics ({@link AesGcm},
 * {@link JdkGhash}), which the test JVM opens as the server's jar does; on the JDK's own {@code AES/GCM} (the fallback
 * when the package is not opened) it allocates a bounded amount per packet that does not grow with the payload.
 */
class HotPathAllocationTest {
    /** Generous bound on JDK 17's AES/GCM garbage per protect or unprotect (measured: about 1 kB). */
    private static final long GCM_BYTES_PER_OPERATION = 4096;

    private com.sun.management.ThreadMXBean threads;

    @BeforeEach
    void allocationIsMeasurable() {
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    }

    @ParameterizedTest
    @EnumSource(value = SrtpProfile.class, names = {"SRTP_AES128_CM_HMAC_SHA1_80", "SRTP_AEAD_AES_128_GCM"})
    void contextsAllocateNothingPerPacket(SrtpProfile profile) {
        assertThat(AesGcm.COMPOSED).as("GCM composed from the JDK's intrinsics in this JVM").isTrue();
        Pair pair = new Pair(profile);
        pair.run(1200, 0, 20000, true);

        // less than one byte per packet: nothing per packet (a stray JIT or class-loading allocation on a
        // loaded machine must not fail the build)
        assertThat(allocatedBy(() -> pair.run(1200, 20000, 5000, true))).isLessThan(5000);
    }

    @Test
    void gcmOnTheJdksCipherAllocatesABoundedAmountThatDoesNotGrowWithThePayload() {
        AesGcm gcm = new AesGcm(new byte[16], false);
        byte[] iv = new byte[AesGcm.IV_LENGTH];
        byte[] packet = new byte[12 + 1200 + AesGcm.TAG_LENGTH];
        int[] counter = {0};
        java.util.function.IntConsumer sealAndOpen = payload -> {
            Bytes.put32(iv, 8, ++counter[0]); // the JDK's cipher refuses an IV used before
            gcm.seal(iv, packet, 0, 12, packet, 0, 0, 12, payload, 12 + payload);
            if (!gcm.open(iv, packet, 0, 12, packet, 0, 0, 12, payload, 12 + payload)) {
                throw new AssertionError("round trip failed");
            }
        };
        for (int i = 0; i < 20000; i++) {
            sealAndOpen.accept(i % 2 == 0 ? 1200 : 100);
        }
        int operations = 5000;
        long large = allocatedBy(() -> {
            for (int i = 0; i < operations; i++) {
                sealAndOpen.accept(1200);
            }
        });
        long small = allocatedBy(() -> {
            for (int i = 0; i < operations; i++) {
                sealAndOpen.accept(100);
            }
        });
        assertThat(large / operations / 2).isLessThanOrEqualTo(GCM_BYTES_PER_OPERATION);
        // no copy of the packet: 1,100 more octets of payload cost far less than 1,100 more of garbage (64 measured)
        assertThat(Math.abs(large - small) / operations / 2).as("octets per operation that scale with the payload")
                .isLessThan(256);
    }

    private long allocatedBy(Runnable work) {
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** A sender and a receiver context on the same keys, with reusable RTP, RTCP and forged packets. */
    private static final class Pair {
        final SrtpContext sender;
        final SrtpContext receiver;
        final byte[] rtp = Packets.rtp(0, 77, 1200);
        final byte[] rtcp = Packets.rtcp(77, 60);
        final byte[] bad = Packets.rtp(0, 78, 100);

        Pair(SrtpProfile profile) {
            byte[] key = new byte[profile.masterKeyLength()];
            byte[] salt = new byte[profile.masterSaltLength()];
            sender = new SrtpContext(profile, key, salt);
            receiver = new SrtpContext(profile, key, salt);
        }

        void run(int payload, int firstSeq, int count, boolean forged) {
            int length = 12 + payload;
            for (int i = 0; i < count; i++) {
                int seq = (firstSeq + i) & 0xFFFF;
                rtp[2] = (byte) (seq >>> 8);
                rtp[3] = (byte) seq;
                int len = sender.protectRtp(rtp, 0, length);
                if (receiver.unprotectRtp(rtp, 0, len) != length) {
                    throw new AssertionError("rtp round trip failed at " + i);
                }
                if (forged && receiver.unprotectRtp(bad, 0, 130) != SrtpError.AUTH_FAILED) {
                    throw new AssertionError("forged packet accepted at " + i);
                }
                if ((i & 15) == 0) {
                    rtcp[0] = (byte) 0x80;
                    len = sender.protectRtcp(rtcp, 0, 68);
                    if (receiver.unprotectRtcp(rtcp, 0, len) != 68) {
                        throw new AssertionError("rtcp round trip failed at " + i);
                    }
                }
            }
        }
    }
}
