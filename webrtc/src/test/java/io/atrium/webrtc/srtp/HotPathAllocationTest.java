package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-packet allocation once every SSRC has state (DESIGN.md style rule 2, and the measured
 * exception for AEAD in docs/PERFORMANCE.md, "SRTP: decision"):
 * <ul>
 *   <li>SRTP_AES128_CM_HMAC_SHA1_80 allocates nothing, for good, forged and RTCP packets alike.</li>
 *   <li>SRTP_AEAD_AES_128_GCM runs on the JDK's {@code AES/GCM}, whose per-packet {@code init}
 *       allocates engine state. What is guaranteed is that this is a bounded amount per packet that
 *       does not grow with the payload (no copy of the packet is made). A forged packet also costs
 *       the JDK's {@code AEADBadTagException}.</li>
 * </ul>
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

    @Test
    void aesCmContextsAllocateNothingPerPacket() {
        SrtpProfile profile = SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80;
        Pair pair = new Pair(profile);
        pair.run(1200, 0, 20000, true);

        // less than one byte per packet: nothing per packet (a stray JIT or class-loading allocation on a
        // loaded machine must not fail the build)
        assertThat(allocatedBy(() -> pair.run(1200, 20000, 5000, true))).isLessThan(5000);
    }

    @Test
    void gcmContextsAllocateABoundedAmountThatDoesNotGrowWithThePayload() {
        Pair pair = new Pair(SrtpProfile.SRTP_AEAD_AES_128_GCM);
        pair.run(1200, 0, 20000, true);
        pair.run(100, 20000, 20000, true);

        int packets = 5000;
        long large = allocatedBy(() -> pair.run(1200, 40000, packets, true));
        long small = allocatedBy(() -> pair.run(100, 45000, packets, true));
        int operations = packets * 3 + (packets + 15) / 16 * 2;

        assertThat(large / operations).isLessThanOrEqualTo(GCM_BYTES_PER_OPERATION);
        assertThat(Math.abs(large - small) / operations).as("octets per operation that scale with the payload")
                .isLessThan(64);
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
