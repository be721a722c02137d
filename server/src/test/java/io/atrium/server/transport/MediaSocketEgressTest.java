package io.atrium.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A flush's datagrams reach real UDP sockets whole and in order per destination, and runs of one size to
 * one destination leave as one GSO message each where the kernel and epoll support it (Linux here).
 */
class MediaSocketEgressTest {

    @Test
    void aFlushSendsRunsToEachDestinationAsOneMessageAndEveryDatagramArrivesInOrder() throws Exception {
        try (MediaSocket socket = MediaSocket.bind("127.0.0.1", 0, (buf, len, from) -> { }, new MediaSocket.TcpRules(64, 20_000));
             DatagramSocket a = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             DatagramSocket b = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            InetSocketAddress toA = (InetSocketAddress) a.getLocalSocketAddress();
            InetSocketAddress toB = (InetSocketAddress) b.getLocalSocketAddress();
            int[] sizesA = {1200, 1200, 1200, 1200, 1200, 700}; // a video frame: one run
            int[] sizesB = {110, 110, 110, 110};                  // four speakers' audio: one run
            CompletableFuture<long[]> sent = new CompletableFuture<>();
            socket.execute(() -> {
                long messages = socket.egressMessages();
                long datagrams = socket.egressDatagrams();
                for (int i = 0; i < sizesA.length; i++) {
                    socket.send(datagram(i, sizesA[i]), 0, sizesA[i], toA);
                    if (i < sizesB.length) {
                        socket.send(datagram(100 + i, sizesB[i]), 0, sizesB[i], toB);
                    }
                }
                socket.flush();
                sent.complete(new long[] {socket.egressMessages() - messages, socket.egressDatagrams() - datagrams});
            });
            long[] counts = sent.get(30, TimeUnit.SECONDS);
            assertThat(counts[1]).isEqualTo(sizesA.length + sizesB.length);
            boolean gso = Epoll.isAvailable() && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
            assertThat(counts[0]).as("UDP messages (GSO " + gso + ")").isEqualTo(gso ? 2 : sizesA.length + sizesB.length);
            expect(a, 0, sizesA);
            expect(b, 100, sizesB);
        }
    }

    private static byte[] datagram(int tag, int len) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) tag);
        return b;
    }

    private static void expect(DatagramSocket socket, int firstTag, int[] sizes) throws Exception {
        socket.setSoTimeout(30_000);
        for (int i = 0; i < sizes.length; i++) {
            DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
            socket.receive(p);
            assertThat(p.getLength()).as("datagram %d's length", i).isEqualTo(sizes[i]);
            assertThat(Arrays.copyOf(p.getData(), p.getLength())).as("datagram %d", i).isEqualTo(datagram(firstTag + i, sizes[i]));
        }
    }
}
