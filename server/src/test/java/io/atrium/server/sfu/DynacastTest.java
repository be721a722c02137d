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
        camera.layerListener((r, active, spatial) -> told.add(active));
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
        camera.layerListener((r, active, spatial) -> told.add(active));
        keyframes(T0);
        tile(320, 180, T0);
        camera.updateUpstream(T0);
        camera.updateUpstream(T0 + PAUSE);
        assertThat(paused()).containsExactly(false, true, true);
        camera.layerListener((r, active, spatial) -> told.add(active)); // the client joined again: it encodes everything
        camera.updateUpstream(T0 + PAUSE + 1);
        assertThat(paused()).containsExactly(false, false, false);
        assertThat(told).hasSize(1);
    }

    /**
     * One VP9 SVC encoding ({@code L3T3_KEY}, 320×180, 640×360, 1280×720): with every tile small the publisher is told
     * to encode one spatial layer after the wait; the structure it then sends (one layer) does not hide the two held
     * back, which keep their sizes and last rates, so an enlarged tile is given the top one and the publisher is told
     * to encode all three again in that allocation.
     */
    @Test
    void anSvcStreamsUpperSpatialLayersNoTileNeedsAreHeldBackAndAnEnlargedTileRestoresThem() {
        Publisher svcPublisher = new Publisher(new Sink(), List.of(new TrackInfo("cam", MediaKind.VIDEO, "0", "VP9", 90000, 98, -1,
                List.of(), List.of(0x1000L), List.of(), 0, 0, 0, 0, 0, -1)), 1, MediaLimits.defaults().maxPublishBitrate());
        svcPublisher.dynacastPauseMillis = PAUSE;
        Receiver svc = svcPublisher.receivers().get(0);
        Forwarder f = new Forwarder(svc, subscriber, 300, 98, 400, 99, "c");
        subscriber.removeForwarder(forwarder);
        subscriber.addForwarder(f);
        List<Integer> spatialTold = new ArrayList<>();
        svc.layerListener((r, active, spatial) -> {
            assertThat(active).as("no rids: one encoding").isEmpty();
            spatialTold.add(spatial);
        });
        int pid = 0;
        long t = T0;
        for (; t < T0 + 2500; t += 50, pid++) { // 20 pictures a second of all three layers, a key picture first
            for (int sid = 0; sid < 3; sid++) {
                svcPacket(svcPublisher, pid, sid, pid == 0, 3, t);
            }
        }
        Layer layer = svc.layers[0];
        assertThat(layer.keyframes.spatialLayers()).isEqualTo(3);
        long[] rates = {layer.spatialBitrate[0][3], layer.spatialBitrate[1][3], layer.spatialBitrate[2][3]};
        assertThat(rates[2]).isGreaterThan(rates[1]).isGreaterThan(rates[0]).isPositive();
        f.target(320, 180);
        subscriber.allocate(t);
        svcPacket(svcPublisher, pid++, 0, false, 3, t); // the next picture: SID 0 only from here
        assertThat(f.allocation.allowed).isZero();
        svc.updateUpstream(t);
        svc.updateUpstream(t + PAUSE - 1);
        assertThat(spatialTold).as("not before the wait").isEmpty();
        t += PAUSE;
        svc.updateUpstream(t);
        assertThat(spatialTold).containsExactly(1);
        assertThat(svc.pausedUpstream(0)).isFalse();
        assertThat(svc.pausedUpstream(1)).isTrue();
        assertThat(svc.pausedUpstream(2)).isTrue();

        // the publisher applies it: L1T3, a key picture whose structure lists one layer, then SID 0 alone for 2 s
        for (long end = t + 2500; t < end; t += 50, pid++) {
            svcPacket(svcPublisher, pid, 0, t == end - 2500, 1, t);
        }
        assertThat(layer.keyframes.spatialLayers()).as("the layers held back are kept").isEqualTo(3);
        assertThat(layer.keyframes.spatialWidth(2)).isEqualTo(1280);
        assertThat(layer.spatialBitrate[2][3]).as("the held layer's last rate").isEqualTo(rates[2]);
        assertThat(layer.spatialBitrate[0][3]).isPositive();

        f.target(1280, 720);
        subscriber.allocate(t);
        assertThat(f.allocation.allowed).as("the held top layer, by its last size").isEqualTo(2);
        assertThat(spatialTold).as("restored within the allocation").containsExactly(1, 3);
        assertThat(svc.pausedUpstream(2)).isFalse();
        svcPacket(svcPublisher, pid, 0, true, 3, t); // the full structure again
        assertThat(layer.keyframes.spatialLayers()).isEqualTo(3);
    }

    /**
     * A VP9 packet of spatial layer {@code sid} as Chrome sends {@code L3T3_KEY} (non-flexible, 15-bit picture id, layer
     * indices, TL0PICIDX), a key picture's SID 0 with a scalability structure of the lowest {@code layers} of
     * 320×180, 640×360, 1280×720; 200 bytes of payload per layer.
     */
    static void svcPacket(Publisher p, int pid, int sid, boolean key, int layers, long nowMillis) {
        byte[] buf = new byte[12 + 5 + 1 + 4 * 3 + 200];
        RtpPacket.writeHeader(buf, 0, sid == layers - 1, 98, (0x100 + pid * 3 + sid) & 0xFFFF, pid * 4500, 0x1000);
        int o = 12;
        buf[o++] = (byte) (0x80 | (key ? 0 : 0x40) | 0x20 | 0x08 | 0x04 | (key && sid == 0 ? 0x02 : 0));
        buf[o++] = (byte) (0x80 | pid >> 8);
        buf[o++] = (byte) pid;
        buf[o++] = (byte) (sid << 1 | (key && sid > 0 ? 1 : 0));
        buf[o++] = (byte) pid;
        if (key && sid == 0) {
            buf[o++] = (byte) ((layers - 1) << 5 | 0x10);
            for (int s = 0; s < layers; s++) {
                int w = 320 << s;
                int h = 180 << s;
                buf[o++] = (byte) (w >> 8);
                buf[o++] = (byte) w;
                buf[o++] = (byte) (h >> 8);
                buf[o++] = (byte) h;
            }
        }
        RtpPacket packet = new RtpPacket();
        assertThat(packet.wrap(buf, 0, buf.length)).isTrue();
        p.onRtp(buf, 0, buf.length, nowMillis);
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
