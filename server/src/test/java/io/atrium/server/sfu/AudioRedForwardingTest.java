package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RedPayload;
import io.atrium.webrtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Audio RED (RFC 2198) through the forward path: a publisher sends Opus as RED (payload type 63 around Opus 111,
 * as Chrome does once the answer prefers RED) and plain Opus; a subscriber that negotiated RED (its types 120
 * around 109) gets RED with its own payload types in the packet and in every block header, one that did not gets
 * the primary Opus payload alone with its Opus type, and the recorder's tap gets the primary Opus packet.
 * Malformed RED is dropped, not forwarded.
 */
class AudioRedForwardingTest {

    static final int PUB_RED = 63;
    static final int PUB_OPUS = 111;
    static final TrackInfo AUDIO = new TrackInfo("mic", MediaKind.AUDIO, "0", "opus", 48000, PUB_OPUS, -1, List.of(),
            List.of(0x1234L), List.of(0L), 0, 0, 0, 0, 0, PUB_RED);

    /** Packets as the subscriber reads them: payload type and payload bytes. */
    static final class Sink extends RtpSink {
        final List<Integer> types = new ArrayList<>();
        final List<byte[]> payloads = new ArrayList<>();

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            RtpPacket p = new RtpPacket();
            assertThat(p.wrap(Arrays.copyOfRange(buf, off, off + len), 0, len)).isTrue();
            types.add(p.payloadType());
            payloads.add(Arrays.copyOfRange(p.buffer(), p.payloadOffset(), p.payloadOffset() + p.payloadLength()));
            return true;
        }
    }

    static byte[] redPacket(int seq) {
        byte[] payload = {(byte) (0x80 | PUB_OPUS), 0x0F, 0x00, 2, PUB_OPUS, 1, 2, 9, 8, 7};
        byte[] p = new byte[12 + payload.length];
        RtpPacket.writeHeader(p, 0, false, PUB_RED, seq, seq * 960, 0x1234);
        System.arraycopy(payload, 0, p, 12, payload.length);
        return p;
    }

    static byte[] opusPacket(int seq) {
        byte[] p = new byte[12 + 3];
        RtpPacket.writeHeader(p, 0, false, PUB_OPUS, seq, seq * 960, 0x1234);
        p[12] = 5;
        p[13] = 6;
        p[14] = 7;
        return p;
    }

    @Test
    void redGoesOnAsRedWithTheSubscribersTypesOrAsItsPrimaryOpus() {
        Publisher publisher = new Publisher(new Sink(), List.of(AUDIO), 1, MediaLimits.defaults().maxPublishBitrate());
        Receiver receiver = publisher.receivers().get(0);
        Sink withRed = new Sink();
        Sink withoutRed = new Sink();
        Subscriber a = new Subscriber(withRed);
        a.addForwarder(new Forwarder(receiver, a, 1, 109, 0, -1, 120, "c", 0));
        Subscriber b = new Subscriber(withoutRed);
        b.addForwarder(new Forwarder(receiver, b, 2, 109, 0, -1, -1, "c", 0));
        List<byte[]> tapped = new ArrayList<>();
        receiver.tap(new PacketTap() {
            @Override
            public void onRtp(byte[] buf, int off, int len, long nowMillis) {
                tapped.add(Arrays.copyOfRange(buf, off, off + len));
            }

            @Override
            public void close() {
            }
        }, r -> null);

        byte[] bad = redPacket(3);
        bad[12 + 3] = 100; // a redundant block longer than the payload
        for (byte[] p : List.of(redPacket(1), opusPacket(2), bad)) {
            publisher.onRtp(p, 0, p.length, 1_000);
        }

        assertThat(withRed.types).containsExactly(120, 109);
        RedPayload red = new RedPayload();
        byte[] forwarded = withRed.payloads.get(0);
        assertThat(red.wrap(forwarded, 0, forwarded.length)).isTrue();
        assertThat(red.blockCount()).isEqualTo(2);
        assertThat(red.payloadType(0)).as("the redundant block's type").isEqualTo(109);
        assertThat(red.payloadType(1)).as("the primary's type").isEqualTo(109);
        assertThat(red.timestampOffset(0)).isEqualTo(960);
        assertThat(Arrays.copyOfRange(forwarded, red.dataOffset(1), forwarded.length)).containsExactly(9, 8, 7);

        assertThat(withoutRed.types).containsExactly(109, 109);
        assertThat(withoutRed.payloads.get(0)).as("the primary alone").containsExactly(9, 8, 7);
        assertThat(withoutRed.payloads.get(1)).as("plain Opus unchanged").containsExactly(5, 6, 7);

        assertThat(tapped).hasSize(2);
        RtpPacket t = new RtpPacket();
        assertThat(t.wrap(tapped.get(0), 0, tapped.get(0).length)).isTrue();
        assertThat(t.payloadType()).isEqualTo(PUB_OPUS);
        assertThat(Arrays.copyOfRange(tapped.get(0), t.payloadOffset(), tapped.get(0).length)).containsExactly(9, 8, 7);
    }
}
