package io.atrium.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.peer.DatagramTransport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@link PeerIo}'s send path from another thread (the pacer's): every datagram of a burst leaves with the burst,
 * none waits for the socket's next send. Before the fix a burst's later datagrams could be written after the
 * burst's flush task and sat in Netty's outbound buffer until the next burst (the ~20 ms video p99 both servers
 * showed, docs/PERFORMANCE.md "Latency tails").
 */
class PeerIoSendTest {

    @Test
    void everyDatagramOfABurstArrivesBeforeTheNextBurstIsSent() throws Exception {
        try (PeerIo io = new PeerIo(1); DatagramSocket receiver = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DatagramTransport sender = io.bind();
            InetSocketAddress to = (InetSocketAddress) receiver.getLocalSocketAddress();
            // a bound on a failure, not a pace: each receive returns as soon as its datagram is there
            receiver.setSoTimeout(10_000);
            byte[] payload = new byte[1100];
            DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            for (int burst = 0; burst < 200; burst++) {
                for (int i = 0; i < 8; i++) {
                    payload[0] = (byte) burst;
                    payload[1] = (byte) i;
                    sender.send(payload, 0, payload.length, to);
                }
                for (int i = 0; i < 8; i++) {
                    try {
                        receiver.receive(in);
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("burst " + burst + ": datagram " + i + " of 8 never left", e);
                    }
                    assertThat(in.getData()[0]).as("burst").isEqualTo((byte) burst);
                    assertThat(in.getData()[1]).as("datagram in the burst").isEqualTo((byte) i);
                }
            }
            assertThat(io.sendErrors()).isZero();
        }
    }
}
