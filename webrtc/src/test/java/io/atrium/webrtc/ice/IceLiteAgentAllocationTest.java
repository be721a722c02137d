package io.atrium.webrtc.ice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.atrium.webrtc.stun.StunMessage;
import io.atrium.webrtc.stun.StunWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The request path allocates nothing per packet once warm (DESIGN.md rule 2). Counts bytes allocated by this
 * thread with the HotSpot per-thread counter; not a timing test.
 */
class IceLiteAgentAllocationTest {
    @Test
    void answeringChecksAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "JVM cannot count allocated bytes per thread");
        threads.setThreadAllocatedMemoryEnabled(true);
        IceLiteAgent agent = new IceLiteAgent(IceLiteAgentTest.LOCAL, IceLiteAgentTest.REMOTE_UFRAG,
                IceLiteConfig.DEFAULT, () -> 0L, IceLiteListener.NONE);
        byte[] request = new byte[256];
        byte[] user = "LoCaL123:ReMo".getBytes(StandardCharsets.UTF_8);
        int len = new StunWriter().start(request, 0, StunMessage.BINDING_REQUEST, new byte[12], 0)
                .addUsername(user, 0, user.length)
                .addPriority(1)
                .addIceControlling(1)
                .addUseCandidate()
                .addMessageIntegrity(IceLiteAgentTest.LOCAL.password().getBytes(StandardCharsets.UTF_8))
                .addFingerprint()
                .length();
        byte[] out = new byte[IceLiteAgent.MIN_RESPONSE_BUFFER];
        InetSocketAddress from = IceLiteAgentTest.PEER;
        // a fresh but equal source object per packet, as a socket layer would hand over
        InetSocketAddress[] sources = new InetSocketAddress[64];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = new InetSocketAddress(from.getAddress(), from.getPort());
        }
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += agent.handle(request, 0, len, sources[i & 63], out);
        }
        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 0; i < 10_000; i++) {
            sink += agent.handle(request, 0, len, sources[i & 63], out);
        }
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertThat(sink).isPositive();
        // the counter call itself may allocate a few bytes; one object per packet would be >= 160 KB here
        assertThat(allocated).isLessThan(4_096);
    }
}
