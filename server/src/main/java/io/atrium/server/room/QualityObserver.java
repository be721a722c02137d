package io.atrium.server.room;

import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Router;
import io.atrium.server.transport.MediaPeer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Connection quality and video allocations: every {@link #EVERY_MILLIS} asks the media thread for each
 * member's loss, RTT, jitter and allocations ({@link Router#report}); they come back as a task on the
 * room's executor (the room never waits on the media thread) and are applied if the member still has
 * the same peers. A phone's quality comes from its RTCP receiver reports ({@link PhoneLine#reception}). Quality changes go to everyone, allocations and the available rate to the member.
 */
final class QualityObserver {

    static final long EVERY_MILLIS = 2000;

    private final Roster roster;
    private final Executor executor;
    private long lastMillis;

    QualityObserver(Roster roster, Executor executor) {
        this.roster = roster;
        this.executor = executor;
    }

    void observe(long now, java.util.Optional<Router> router) {
        if (now - lastMillis < EVERY_MILLIS) {
            return;
        }
        lastMillis = now;
        router.ifPresent(r -> roster.members.values().forEach(m -> observe(r, m)));
    }

    private void observe(Router router, Member m) {
        if (m.line != null) { // a phone: its RTCP receiver reports, no round trip known
            m.line.reception().ifPresent(q -> quality(m, ConnectionQuality.of(q.loss(), q.rttMillis(), q.jitterMillis())));
            return;
        }
        MediaPeer publisher = m.publisher;
        MediaPeer subscriber = m.subscriber;
        boolean rates = publisher != null && publisher.isConnected();
        if (!rates && (subscriber == null || m.session == null)) {
            return;
        }
        List<Receiver> published = new ArrayList<>(2);
        for (Receiver r : new Receiver[] {m.microphone, m.camera}) {
            if (r != null) {
                published.add(r);
            }
        }
        router.report(published, subscriber, executor, r -> {
            if (roster.members.get(m.callId) != m) {
                return;
            }
            if (rates && m.publisher == publisher) {
                quality(m, ConnectionQuality.of(r.fractionLost() / 256.0, r.rttMillis(), r.jitterMillis()));
            }
            if (subscriber != null && m.subscriber == subscriber && m.session != null) {
                allocations(m, r.allocations(), r.availableRate());
            }
        });
    }

    private void quality(Member m, String quality) {
        if (!quality.equals(m.quality)) {
            m.quality = quality;
            roster.broadcast("member_connection_quality", Map.of("member", m.callId, "quality", quality));
        }
    }

    /**
     * Tells a subscriber which layer of whose camera it receives (or that it is paused: no layer fits its
     * downlink) when that changes (each member's camera under its id; a screen share is not told), and its
     * available downlink rate when it moves by more than 10 %.
     */
    private void allocations(Member m, List<Router.Allocation> list, long rate) {
        Map<String, Object> byMember = new LinkedHashMap<>();
        for (Router.Allocation a : list) {
            // the camera's alone: a member's screen share is another track of the same publisher (which only the
            // subscriber's own receive cap suspends, docs/MEDIA.md); its allocation is not told
            roster.members.values().stream().filter(o -> o.publisher != null && o.publisher.id().equals(a.publisherId())
                            && o.camera != null && o.camera.info().id().equals(a.trackId())).findFirst()
                    .ifPresent(o -> {
                        Map<String, Object> v = new LinkedHashMap<>();
                        v.put("ssrc", a.ssrc());
                        v.put("rid", a.rid());
                        v.put("rate", a.rate());
                        v.put("width", a.width());
                        v.put("height", a.height());
                        v.put("temporal", a.temporal());
                        v.put("temporal_layers", a.temporalLayers());
                        v.put("spatial", a.spatial());
                        v.put("spatial_layers", a.spatialLayers());
                        v.put("paused", a.paused());
                        byMember.put(o.callId, v);
                    });
        }
        if (!byMember.equals(m.lastAllocations) && !byMember.isEmpty()) {
            m.lastAllocations = byMember;
            m.notify("member_video_allocations", byMember);
        }
        if (rate < 0) {
            return;
        }
        if (m.lastAvailableRate < 0 || Math.abs(rate - m.lastAvailableRate) > m.lastAvailableRate / 10 + 1000) {
            m.lastAvailableRate = rate;
            m.notify("member_available_rate", Map.of("rate", rate));
        }
    }
}
