package io.atrium.webrtc.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Once every SSRC has state, protect and unprotect allocate nothing (DESIGN.md style rule 2). */
class HotPathAllocationTest {

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void warmContextsAllocateNothingPerPacket(SrtpProfile profile) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        SrtpContext sender = new SrtpContext(profile, key, salt);
        SrtpContext receiver = new SrtpContext(profile, key, salt);
        byte[] rtp = Packets.rtp(0, 77, 1200);
        byte[] rtcp = Packets.rtcp(77, 60);
        byte[] bad = Packets.rtp(0, 78, 100);

        run(sender, receiver, rtp, rtcp, bad, 0, 20000);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(sender, receiver, rtp, rtcp, bad, 20000, 5000);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).isZero();
    }

    private static void run(SrtpContext sender, SrtpContext receiver, byte[] rtp, byte[] rtcp, byte[] bad,
                            int firstSeq, int count) {
        for (int i = 0; i < count; i++) {
            int seq = (firstSeq + i) & 0xFFFF;
            rtp[2] = (byte) (seq >>> 8);
            rtp[3] = (byte) seq;
            int len = sender.protectRtp(rtp, 0, 1212);
            if (receiver.unprotectRtp(rtp, 0, len) != 1212) {
                throw new AssertionError("rtp round trip failed at " + i);
            }
            if (receiver.unprotectRtp(bad, 0, 130) != SrtpError.AUTH_FAILED) {
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
