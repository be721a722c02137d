package io.atrium.server.sfu;

import static org.assertj.core.api.Assertions.assertThat;

import io.atrium.webrtc.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dynacast on the forward path ({@link Receiver#updateUpstream}, the rule in {@link Allocator.Upstream}): a
 * simulcast track whose only subscriber has a small tile has its upper layers paused at the publisher after the
 * wait; a subscriber that enlarges its tile gets the paused full layer allocated and the publisher told to resume
 * it in the same allocation; a publisher without a listener (WHIP) is never told and nothing is paused.
 */
class DynacastTest {

    static final long PAUSE = 5000;
    static final long T0 = 1_000_000;
    static final int[] SSRCS = {0x1001, 0x1002, 0x1003};
    static final int[] WIDTHS = {320, 640, 1280};

    static final class Sink extends RtpSink {
        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            return true;
        }
    }

    final Publisher publisher = new Publisher(new Sink(), List.of(new TrackInfo("cam", MediaKind.VIDEO, "0", "VP8", 90000, 96, -1,
            List.of("q", "h", "f"), List.of(0x1001L, 0x1002L, 0x1003L), List.of(), 0, 0, 0, 0, 0, -1)), 1,
            MediaLimits.defaults().maxPublishBitrate());
    final Receiver camera = publisher.receivers().get(0);
    final Subscriber subscriber = new Subscriber(new Sink());
    final Forwarder forwarder = new Forwarder(camera, subscriber, 100, 96, 200, 97, "c");
    final List<Map<String, Boolean>> told = new ArrayList<>();
    int seq;

    DynacastTest() {
        publisher.dynacastPauseMillis = PAUSE;
        subscriber.addForwarder(forwarder);
    }

    /** A VP8 keyframe on each layer, announcing its width (RFC 6386 §9.1). */
    void keyframes(long nowMillis) {
        byte[] p = new byte[100];
        for (int l = 0; l < 3; l++, seq++) {
            RtpPacket.writeHeader(p, 0, true, 96, seq & 0xFFFF, seq * 3000, SSRCS[l]);
            p[12] = 0x10; // descriptor: S=1, partition 0
            p[13] = 0x00; // frame tag: keyframe
            p[16] = (byte) 0x9d;
            p[17] = 0x01;
            p[18] = 0x2a;
            p[19] = (byte) WIDTHS[l];
            p[20] = (byte) (WIDTHS[l] >> 8);
            p[21] = (byte) (WIDTHS[l] * 9 / 16);
            p[22] = (byte) (WIDTHS[l] * 9 / 16 >> 8);
            publisher.onRtp(p, 0, p.length, nowMillis);
        }
    }

    void tile(int width, int height, long nowMillis) {
        forwarder.target(width, height);
        subscriber.allocate(nowMillis);
    }

    boolean[] paused() {
        return new boolean[] {camera.layers[0].pausedUpstream, camera.layers[1].pausedUpstream, camera.layers[2].pausedUpstream};
    }

    @Test
    void upperLayersNoTileNeedsArePausedAfterTheWaitAndAnEnlargedTileResumesThemAtOnce() {
        camera.layerListener((r, active) -> told.add(active));
        keyframes(T0);
        tile(320, 180, T0);
        assertThat(forwarder.allocation.allowed).isZero();
        camera.updateUpstream(T0);
        camera.updateUpstream(T0 + PAUSE - 1);
        assertThat(told).as("not before the wait").isEmpty();
        camera.updateUpstream(T0 + PAUSE);
        assertThat(told).containsExactly(Map.of("q", true, "h", false, "f", false));
        assertThat(paused()).containsExactly(false, true, true);

        // the upper layers stopped (no packets for longer than a layer stays live), yet a large tile may still have f
        long later = T0 + PAUSE + 3000;
        assertThat(camera.layers[2].isActive(later)).isFalse();
        tile(1280, 720, later);
        assertThat(forwarder.allocation.allowed).as("the paused full layer, by its last size").isEqualTo(2);
        assertThat(told).as("resumed within the allocation").hasSize(2);
        assertThat(told.get(1)).isEqualTo(Map.of("q", true, "h", true, "f", true));
        assertThat(paused()).containsExactly(false, false, false);
    }

    @Test
    void aNewListenerStartsFromEveryLayerEncoded() {
        camera.layerListener((r, active) -> told.add(active));
        keyframes(T0);
        tile(320, 180, T0);
        camera.updateUpstream(T0);
        camera.updateUpstream(T0 + PAUSE);
        assertThat(paused()).containsExactly(false, true, true);
        camera.layerListener((r, active) -> told.add(active)); // the client joined again: it encodes everything
        camera.updateUpstream(T0 + PAUSE + 1);
        assertThat(paused()).containsExactly(false, false, false);
        assertThat(told).hasSize(1);
    }

    @Test
    void withoutAListenerAPublisherIsNeverToldAndNothingIsPaused() {
        keyframes(T0);
        tile(320, 180, T0);
        for (long t = T0; t <= T0 + 3 * PAUSE; t += 1000) {
            camera.updateUpstream(t);
        }
        assertThat(paused()).containsExactly(false, false, false);
    }
}
