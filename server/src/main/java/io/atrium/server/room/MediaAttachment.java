package io.atrium.server.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.MediaLimitException;
import io.atrium.server.sfu.Negotiator;
import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Subscription;
import io.atrium.server.sfu.TrackInfo;
import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.sdp.SdpException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A member's media (docs/PROTOCOL.md): {@code join_room} (publishing through the {@link MediaDoor}, or
 * receive-only), {@code subscribe_room} (the members' tracks by mid, renegotiated in place), which tracks
 * are forwarded ({@link #applyPause}: unmuted and granted) and what a member's grants allow now
 * ({@link #enforce}). Confined to the room's executor.
 */
final class MediaAttachment {

    static final int MAX_SDP = 262_144;

    private final RoomContext ctx;
    private final Roster roster;
    private final Seats seats;

    MediaAttachment(RoomContext ctx, Roster roster, Seats seats) {
        this.ctx = ctx;
        this.roster = roster;
        this.seats = seats;
    }

    /**
     * {@code join_room}: takes (or resumes) the seat and publishes the offer. The answer is pending until
     * the media thread has made the peer a publisher; the room does not wait for it.
     */
    Object join(Session s, Params p) {
        AccessToken token = ctx.tokens().verify(p.required("auth_token", 8192), Optional.of(ctx.id()));
        if (s.line != null) {
            return joinLine(s, token);
        }
        if (!token.grants().publish() && p.string("sdp", MAX_SDP).isEmpty()) {
            return joinReceiveOnly(s, token);
        }
        String sdp = p.required("sdp", MAX_SDP);
        boolean audioMuted = p.bool("audio_muted");
        boolean videoMuted = p.bool("video_muted");
        boolean dynacast = p.bool("dynacast");
        Member m = resumable(s, token);
        boolean fresh = m == null;
        boolean wasHidden = !fresh && m.hidden();
        if (fresh) {
            m = new Member(token, s, ctx.clock().millis());
        }
        Member joined = m;
        MediaDoor.Entry<TrackInfo> entry = refusedAs("join", () -> ctx.media().publish(ctx.id(), sdp, joined.publisher,
                new PeerOwner(token.identity(), s.address), joined.permit(token).grants()));
        // a new connection (ICE restart, or a client that started afresh) brings new tracks: the others subscribe again
        boolean announce = fresh || wasHidden || m.publisher != entry.peer();
        CompletableFuture<Object> answer = new CompletableFuture<>();
        refusedAs("join", () -> {
            ctx.media().attachPublisher(entry, ctx.executor(), tracks -> { // back on this executor, never waited for
                try {
                    answer.complete(published(joined, entry, tracks, announce, dynacast));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
            return null;
        });
        seats.takeSeat(s, m, token);
        m.publisher = entry.peer();
        if (fresh) {
            m.audioMuted = audioMuted;
            m.videoMuted = videoMuted;
        }
        return answer;
    }

    /** The rest of {@code join_room} once the media thread made the peer a publisher of {@code tracks}. */
    private Object published(Member m, MediaDoor.Entry<TrackInfo> entry, List<Receiver> tracks, boolean announce,
                             boolean dynacast) {
        if (roster.members.get(m.callId) != m || m.publisher != entry.peer()) {
            throw RpcException.notInRoom(); // left, removed or joined again meanwhile
        }
        ctx.listeners().unpublished(ctx.id(), m, tracks);
        List<Receiver> before = m.tracks();
        classify(m, tracks);
        for (Receiver r : m.tracks()) {
            if (!before.contains(r)) {
                ctx.listeners().event(RoomEvent.track(true, ctx.id(), m, r));
            }
        }
        if (announce && !m.hidden()) { // a hidden member that turns visible is announced then
            roster.broadcastExcept(m, "member_join_room", m.view());
        }
        applyPause(m);
        dynacast(m, m.camera, "camera", dynacast);
        dynacast(m, m.screen, "screen", dynacast);
        return joined(m, entry.answer());
    }

    /**
     * Dynacast (docs/MEDIA.md): a client that joined with {@code dynacast: true} (the SDK) is told which simulcast
     * layers of {@code track} to encode, or of one SVC encoding how many spatial layers ({@code publish_layers}). A new listener at every join starts the server's
     * view from "every layer encoded", as the SDK sets them all active when it applies a join_room answer; a
     * notification of an older listener is dropped. Without it (WHIP, other clients) nothing is told or paused.
     */
    private void dynacast(Member m, Receiver track, String source, boolean enabled) {
        if (track == null) {
            return;
        }
        if (!enabled) {
            track.layerListener(null);
            return;
        }
        track.layerListener(new Receiver.LayerListener() {
            @Override
            public void layersChanged(Receiver r, Map<String, Boolean> active, int spatialLayers) {
                ctx.executor().execute(() -> {
                    if (roster.members.get(m.callId) == m && r.layerListener() == this && (m.camera == r || m.screen == r)) {
                        m.notify("publish_layers", spatialLayers > 0
                                ? Map.of("source", source, "active", active, "spatial_layers", spatialLayers)
                                : Map.of("source", source, "active", active));
                    }
                });
            }
        });
    }

    private Map<String, Object> joined(Member m, String answer) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("call_id", m.callId);
        result.put("sdp", answer);
        result.put("members", roster.views(m.callId));
        result.put("is_admin", m.admin);
        result.put("recording_id", ctx.recorder().get().recordingId(ctx.id()).orElse(null));
        return result;
    }

    /**
     * The existing seat of {@code token}'s identity that {@code s} may take, or null for a new member.
     * Resuming a seat needs proof (docs/SECURITY.md, finding 3): the socket already holds it, or the
     * token is the one the seat was joined with (or last refreshed to). Anything else is refused, so a
     * stranger who authenticates with a disconnected member's call id never gets its seat, name or rights.
     */
    private Member resumable(Session s, AccessToken token) {
        Member m = roster.members.get(token.identity());
        if (m == null) {
            return null;
        }
        if (m.session != s && !m.token.id().equals(token.id()) && !token.id().equals(m.provenJti)) {
            throw new RpcException(404, "member already in room");
        }
        return m;
    }

    /**
     * {@code join_room} without {@code sdp} by a token that may not publish: a member that only
     * receives (the audience of a live stream). It needs the subscribe grant, publishes nothing, and
     * is exempt from the inactivity rule; its media is the {@code subscribe_room} connection.
     */
    private Object joinReceiveOnly(Session s, AccessToken token) {
        if (!token.grants().subscribe()) {
            throw new RpcException(403, "not allowed to subscribe");
        }
        Member m = resumable(s, token);
        boolean fresh = m == null;
        if (fresh) {
            m = new Member(token, s, ctx.clock().millis());
        } else if (m.publisher != null) {
            m.publisher.close("joined to receive only");
            m.publisher = null;
            ctx.listeners().unpublished(ctx.id(), m, List.of());
            m.microphone = m.camera = m.screen = null;
        }
        seats.takeSeat(s, m, token);
        m.audioMuted = m.videoMuted = true;
        if (fresh && !m.hidden()) {
            roster.broadcastExcept(m, "member_join_room", m.view());
        }
        return joined(m, null);
    }

    /**
     * {@code join_room} of a phone (a session with a {@link PhoneLine}): its voice goes in through the
     * door by the line itself, no SDP; the others hear of the member once its audio track exists, so they
     * can subscribe to it at once.
     */
    private Object joinLine(Session s, AccessToken token) {
        if (roster.members.containsKey(token.identity())) {
            throw new RpcException(404, "member already in room");
        }
        Member m = new Member(token, s, ctx.clock().millis());
        m.line = s.line;
        CompletableFuture<Object> answer = new CompletableFuture<>();
        refusedAs("join", () -> {
            ctx.media().line(ctx.id(), s.line, m.permit(token).grants(), ctx.executor(), track -> {
                if (roster.members.get(m.callId) != m) {
                    answer.completeExceptionally(RpcException.notInRoom());
                    return;
                }
                m.microphone = track;
                applyPause(m);
                roster.broadcastExcept(m, "member_join_room", m.view());
                answer.complete(joined(m, null));
            });
            return null;
        });
        seats.takeSeat(s, m, token);
        return answer;
    }

    /** Finds the member's microphone, camera and screen among its published tracks (offer order: {@link MediaDoor#sources}). */
    private static void classify(Member m, List<Receiver> tracks) {
        m.microphone = tracks.stream().filter(r -> r.info().kind() == MediaKind.AUDIO).findFirst().orElse(null);
        List<Receiver> videos = tracks.stream().filter(r -> r.info().kind() == MediaKind.VIDEO).toList();
        m.camera = videos.isEmpty() ? null : videos.get(0);
        m.screen = videos.size() < 2 ? null : videos.get(1);
        if (m.screen != null) {
            m.screen.priority(Receiver.PRIORITY_SCREEN);
        }
    }

    /** Forwards each published track only while it is unmuted (shared) and the member's grants allow it. */
    static void applyPause(Member m) {
        Grants g = m.token.grants();
        if (m.microphone != null) {
            m.microphone.paused(m.audioMuted || !g.mayPublish(Grants.Source.MICROPHONE));
        }
        if (m.camera != null) {
            m.camera.paused(m.videoMuted || !g.mayPublish(Grants.Source.CAMERA));
        }
        if (m.screen != null) {
            m.screen.paused(!m.screenShare || !g.mayPublish(Grants.Source.SCREEN));
        }
    }

    /** Makes the member's media match its grants now. */
    static void enforce(Member m) {
        applyPause(m);
        if (m.subscriber != null && !m.token.grants().subscribe()) {
            m.subscriber.close("not allowed to subscribe");
            m.subscriber = null;
        }
    }

    /** {@code subscribe_room}: the listed members' tracks by mid; members not listed send their audio anyway. */
    Object subscribe(Member self, Params p) {
        if (!self.token.grants().subscribe()) {
            throw new RpcException(403, "not allowed to subscribe");
        }
        p.string("auth_token", 8192).ifPresent(t -> ctx.tokens().verify(t, Optional.of(ctx.id())));
        String sdp = p.required("sdp", MAX_SDP);
        Map<String, Negotiator.Pick> picks = new HashMap<>();
        List<Receiver> fallback = new ArrayList<>();
        JsonNode list = p.array("members");
        for (int i = 0; i < list.size(); i++) {
            Params e = new Params(list.get(i));
            Member m = roster.members.get(e.required("id", 128));
            if (m == null || m == self) {
                continue;
            }
            int width = e.integer("width", 0, 8192, 0);
            int height = e.integer("height", 0, 8192, 0);
            pick(picks, e.string("video_mid", 64), m.camera, width, height);
            pick(picks, e.string("audio_mid", 64), m.microphone, 0, 0);
            pick(picks, e.string("screen_mid", 64), m.screen, e.integer("screen_width", 0, 8192, 0),
                    e.integer("screen_height", 0, 8192, 0));
            if (m.microphone != null && e.string("audio_mid", 64).isEmpty()) {
                fallback.add(m.microphone);
            }
        }
        MediaPeer previous = self.subscriber;
        PeerOwner owner = new PeerOwner(self.token.identity(), self.session == null ? "" : self.session.address);
        MediaDoor.Entry<Subscription> entry = refusedAs("subscribe", () -> ctx.media().subscribe(ctx.id(), previous,
                (negotiator, router) -> negotiator.subscribe(sdp, previous, picks, fallback, 0, 0, self.subscriberSources, owner)));
        refusedAs("subscribe", () -> {
            ctx.media().attachSubscriber(entry);
            return null;
        });
        self.subscriber = entry.peer();
        return Map.of("sdp", entry.answer());
    }

    private static void pick(Map<String, Negotiator.Pick> picks, Optional<String> mid, Receiver track, int width, int height) {
        if (mid.isPresent() && track != null) {
            picks.put(mid.get(), new Negotiator.Pick(track, width, height));
        }
    }

    /** Through the door, with its refusals in the protocol's terms (403, 400 invalid sdp, 4xx limits, 500). */
    private static <T> T refusedAs(String what, Supplier<T> door) {
        try {
            return door.get();
        } catch (RpcException e) {
            throw e;
        } catch (MediaDoor.NotAllowed e) {
            throw new RpcException(403, e.getMessage());
        } catch (MediaLimitException e) {
            throw new RpcException(e.status(), e.getMessage());
        } catch (SdpException e) {
            throw new RpcException(400, "invalid request: sdp: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new RpcException(500, what + " failed: " + e.getMessage());
        }
    }
}
