package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import io.atrium.webrtc.srtp.SrtpContext;
import io.atrium.webrtc.srtp.SrtpProfile;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The forward path — route by SSRC, sequence bookkeeping, cache, keyframe check, per-subscriber
 * rewrite and SRTP protect — allocates nothing per packet once warm (DESIGN.md, hot-path rules).
 * Measured with HotSpot's per-thread allocation counter, not with time.
 */
class ForwardPathAllocationTest {

    /** A sink that encrypts like a real peer and drops the result. */
    static final class EncryptingSink extends RtpSink {
        // the profile Atrium's DTLS server prefers; its AES-CM is allocation-free (the JDK GCM is not)
        final SrtpContext srtp = new SrtpContext(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, new byte[16], new byte[14]);
        long sent;

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            sent += srtp.protectRtp(buf, off, len) > 0 ? 1 : 0;
            return true;
        }
    }

    @Test
    void forwardingToThreeSubscribersAllocatesNothingPerPacket() {
        TrackInfo video = new TrackInfo("t", MediaKind.VIDEO, "1", "VP8", 90000, 96, 97, List.of(), List.of(0x1234L), List.of(0L),
                0, 0, 0, 0, 0);
        Publisher publisher = new Publisher(new EncryptingSink(), List.of(video), 1);
        Receiver receiver = publisher.receivers().get(0);
        EncryptingSink[] sinks = {new EncryptingSink(), new EncryptingSink(), new EncryptingSink()};
        for (int i = 0; i < sinks.length; i++) {
            Subscriber s = new Subscriber(sinks[i]);
            s.addForwarder(new Forwarder(receiver, s, 100 + i, 96, 200 + i, 97, "c"));
        }
        byte[] packet = new byte[1200 + 64];
        long[] seq = {0};
        Runnable send = () -> {
            int n = (int) seq[0]++;
            RtpPacket.writeHeader(packet, 0, false, 96, n & 0xFFFF, n * 3000, 0x1234);
            packet[12] = 0x10;
            packet[13] = (byte) (n % 100 == 0 ? 0x00 : 0x01); // a keyframe every 100 packets
            publisher.onRtp(packet, 0, 1200, 1_000_000 + n);
        };
        for (int i = 0; i < 20_000; i++) {
            send.run();
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            send.run();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sinks[0].sent).isEqualTo(30_000);
        assertThat(sinks[2].sent).isEqualTo(30_000);
        assertThat(allocated).as("bytes allocated for 10,000 packets to 3 subscribers").isLessThan(1024);
    }
}
