package io.atrium.server.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Grants;
import io.atrium.server.room.Session.Binding;
import io.atrium.server.sfu.MediaKind;
import io.atrium.server.sfu.MediaLimitException;
import io.atrium.server.sfu.Negotiator;
import io.atrium.server.sfu.Negotiator.Negotiated;
import io.atrium.server.sfu.Receiver;
import io.atrium.server.sfu.Router;
import io.atrium.server.sfu.Subscription;
import io.atrium.server.sfu.TrackInfo;
import io.atrium.server.store.ChatStore;
import io.atrium.server.store.Room;
import io.atrium.server.store.User;
import io.atrium.server.transport.MediaPeer;
import io.atrium.server.transport.PeerOwner;
import io.atrium.webrtc.sdp.SdpException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * One room with people in it: joined members, the waiting room and watchers, and every rule of
 * docs/PROTOCOL.md. All state is confined to the room's serial executor; {@link #handle} and
 * {@link #tick} run there.
 */
final class LiveRoom {

    static final int MAX_SDP = 262_144;
    static final int MAX_CHAT = 4000;
    static final int SPEAKING_LEVEL = 60;
    static final long CLEAR_SPEAKER_MILLIS = 2000;
    static final long QUALITY_EVERY_MILLIS = 2000;
    private static final Pattern REACTION = Pattern.compile("[a-z0-9_-]{1,32}");

    final UUID id;
    private final RoomService service;
    private final SerialExecutor executor;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, Session> waiting = new LinkedHashMap<>();
    private final Set<Session> watchers = new LinkedHashSet<>();
    private final Map<String, Integer> sentLevels = new HashMap<>();
    private String activeSpeaker;
    private long lastSpeechMillis;
    private long lastQualityMillis;
    /** Authentications whose passwords are being checked off the executor: the room stays until they decide. */
    private int pendingAdmissions;
    /** Whether anyone ever joined: only then does this room "end" when it empties. */
    private boolean hadMembers;
    private volatile boolean occupied;
    /** Set (on the executor) when the service dropped this room; calls queued behind that go to the current one. */
    boolean forgotten;

    LiveRoom(UUID id, RoomService service, SerialExecutor executor) {
        this.id = id;
        this.service = service;
        this.executor = executor;
    }

    void execute(Runnable task) {
        executor.execute(task);
    }

    /**
     * Runs one call. Every method but the admitting ones ({@code authenticate}, {@code join_room},
     * {@code watch_room}) first passes {@link #admitted}: the socket is admitted to this room, its token
     * is for this room, unexpired and not revoked, and it holds what the method needs. A result may be
     * a {@link CompletionStage} (work done off the room's executor, such as password hashing).
     */
    Object handle(Session s, String method, Params p) {
        Need need = Need.of(method);
        Binding b = need == Need.ENTRY ? s.binding() : admitted(s, need);
        return switch (method) {
            case "authenticate" -> authenticate(s, p);
            case "get_room_members" -> views(null);
            case "get_waiting_room_members" ->
                    waiting.values().stream().map(w -> Map.of("member", w.binding().callId(), "name", w.binding().name())).toList();
            case "still_waiting" -> {
                notifyWaiting(b);
                yield Map.of();
            }
            case "allow_member" -> decide(p, true);
            case "reject_member" -> decide(p, false);
            case "join_room" -> join(s, p);
            case "subscribe_room" -> subscribe(seat(s, b), p);
            case "leave_room" -> {
                leave(seat(s, b), false);
                yield Map.of();
            }
            case "raise_hand", "unraise_hand" -> {
                Member m = seat(s, b);
                m.handRaised = method.equals("raise_hand");
                broadcast("member_" + method, Map.of("member", m.callId));
                yield Map.of();
            }
            case "start_screen_share", "stop_screen_share" -> {
                Member m = seat(s, b);
                m.screenShare = method.equals("start_screen_share");
                m.screenShareSinceMillis = System.currentTimeMillis();
                applyPause(m);
                broadcast("member_" + method, Map.of("member", m.callId));
                yield Map.of();
            }
            case "send_reaction" -> {
                Member m = seat(s, b);
                String reaction = p.required("reaction", 32);
                if (!REACTION.matcher(reaction).matches()) {
                    throw RpcException.invalid("reaction");
                }
                broadcast("member_send_reaction", Map.of("member", m.callId, "reaction", reaction));
                yield Map.of();
            }
            case "mute_audio", "unmute_audio", "mute_video", "unmute_video" -> selfMute(seat(s, b), method);
            case "remove_member" -> {
                removeMember(target(p));
                yield Map.of();
            }
            case "mute_member_audio", "unmute_member_audio", "mute_member_video", "unmute_member_video" -> adminMute(p, method);
            case "watch_room" -> watch(s, p);
            case "video_control" -> videoControl(p);
            case "get_video_state" -> video == null ? Map.of() : video;
            case "send_chat_message" -> sendChat(b, p);
            case "refresh_token" -> refreshToken(s, b, p);
            case "get_chat_history" -> {
                Optional<UUID> before = p.string("before").map(v -> parseUuid(v, "before"));
                yield Map.of("messages", service.chat.history(id, before, p.integer("limit", 1, 200, 50)));
            }
            default -> throw new RpcException(-32601, "method not found");
        };
    }

    /**
     * The one check before a method runs: the socket is admitted to this room as {@code need} asks,
     * and (past the waiting room) acts with a token for this room that has not expired or been revoked.
     */
    private Binding admitted(Session s, Need need) {
        Binding b = s.binding();
        if (!b.in(id)) {
            throw notAuthenticated();
        }
        if (need == Need.WAITING) {
            if (b.state() != Session.State.WAITING || waiting.get(b.callId()) != s) {
                throw notAuthenticated();
            }
            return b;
        }
        if (b.token() == null || b.state() == Session.State.NEW || b.state() == Session.State.WAITING) {
            throw notAuthenticated();
        }
        checkToken(b.token());
        if (need == Need.MEMBER) {
            seat(s, b);
        } else if (need == Need.ADMIN && !b.token().admin()) {
            throw RpcException.adminOnly();
        }
        return b;
    }

    private void checkToken(AccessToken token) {
        try {
            service.tokens.check(token, Optional.of(id));
        } catch (AuthException e) {
            throw new RpcException(401, "invalid auth token: " + e.getMessage());
        }
    }

    /** The member seat {@code s} holds here, or {@code 400 not in a room}. */
    private Member seat(Session s, Binding b) {
        Member m = b.callId() == null ? null : members.get(b.callId());
        if (b.state() != Session.State.MEMBER || m == null || m.session != s) {
            throw RpcException.notInRoom();
        }
        return m;
    }

    private static RpcException notAuthenticated() {
        return new RpcException(404, "member didn't authenticate");
    }

    /**
     * Binds {@code s} after an admission here succeeded. What it held before is released completely:
     * another room's membership (on that room's executor), or here a seat, waiting entry or watch it no
     * longer holds. So one socket is at most one member, waiting member or watcher, in one room.
     */
    private void admit(Session s, Binding next) {
        Binding prev = s.bind(next);
        if (prev.room() == null) {
            return;
        }
        if (!prev.in(id)) {
            service.released(prev.room());
            return;
        }
        if (prev.state() == Session.State.WAITING && waiting.get(prev.callId()) == s
                && !(next.state() == Session.State.WAITING && next.callId().equals(prev.callId()))) {
            waiting.remove(prev.callId());
            toAdmins("member_leave_waiting_room", Map.of("member", prev.callId()));
        }
        if (next.state() != Session.State.WATCHING) {
            watchers.remove(s);
        }
        Member held = prev.callId() == null ? null : members.get(prev.callId());
        if (held != null && held.session == s && !(next.state() == Session.State.MEMBER && next.callId().equals(held.callId))) {
            held.session = null;
            leave(held, false);
        }
    }

    /**
     * Drops what no socket holds any more: waiting entries, watchers and seats whose socket was admitted
     * elsewhere since (a ghost). Runs when a socket leaves for another room, and on every tick.
     */
    void sweep() {
        for (Map.Entry<String, Session> e : List.copyOf(waiting.entrySet())) {
            Binding b = e.getValue().binding();
            if (!b.in(id) || b.state() != Session.State.WAITING || !b.callId().equals(e.getKey())) {
                waiting.remove(e.getKey());
                toAdmins("member_leave_waiting_room", Map.of("member", e.getKey()));
            }
        }
        watchers.removeIf(w -> !w.binding().in(id) || w.binding().state() != Session.State.WATCHING);
        for (Member m : List.copyOf(members.values())) {
            Binding b = m.session == null ? null : m.session.binding();
            if (b != null && (!b.in(id) || b.state() != Session.State.MEMBER || !m.callId.equals(b.callId()))) {
                m.session = null;
                leave(m, false);
            }
        }
    }

    // ---- authentication and the waiting room ----

    /**
     * {@code authenticate}: the session is bound (admitted, or waiting) only when the checks pass; a
     * refusal changes nothing. A call id whose seat is taken (or kept for a reconnect) needs proof of
     * being that member: the socket that holds it, or the token the seat was joined with. Passwords are
     * checked off this room's executor (the room keeps answering meanwhile), after the limits on failed
     * passwords per client address and per room; the decision is made back here.
     */
    private Object authenticate(Session s, Params p) {
        String callId = p.required("call_id", 128);
        Optional<String> displayName = p.string("display_name", 128);
        Optional<String> roomPassword = p.string("room_password", 1024);
        Optional<String> proof = p.string("auth_token", 8192);
        claimable(s, callId, proof);
        Room room = service.room(id);
        boolean hashes = p.string("username").isPresent() || room.hasPassword() && roomPassword.isPresent();
        if (hashes) {
            service.checkFailedPasswords(s.address, id);
        }
        CompletableFuture<Credentials> checked = service.offRoom(() -> credentials(s.address, room, p, roomPassword));
        pendingAdmissions++;
        return checked.handleAsync((c, error) -> {
            pendingAdmissions--;
            if (error != null) {
                forgetIfIdle();
                throw error instanceof CompletionException ce ? ce : new CompletionException(error);
            }
            return conclude(s, callId, proof, displayName, room, c);
        }, this::execute);
    }

    /** What the credentials prove: the directory user (if any) and whether the room password is right. */
    private record Credentials(Optional<User> user, boolean passwordOk) {
    }

    /** On the hashing pool: checks the user's and the room's password; each wrong one counts as a failure. */
    private Credentials credentials(String address, Room room, Params p, Optional<String> roomPassword) {
        Optional<User> user;
        try {
            user = service.identify(p);
        } catch (RpcException e) {
            service.failedPassword(address, id);
            throw e;
        }
        boolean passwordOk = room.hasPassword() && roomPassword.isPresent()
                && service.rooms.passwordHash(id).map(h -> service.hasher.matches(roomPassword.get(), h)).orElse(false);
        if (room.hasPassword() && roomPassword.isPresent() && !passwordOk) {
            service.failedPassword(address, id);
        }
        return new Credentials(user, passwordOk);
    }

    /** Back on the room's executor: admits, puts in the waiting room, or refuses, by the rules of docs/PROTOCOL.md. */
    private Object conclude(Session s, String callId, Optional<String> proof, Optional<String> displayName, Room room,
                            Credentials c) {
        claimable(s, callId, proof); // again: the seat may have been taken meanwhile
        Optional<User> user = c.user();
        String name = displayName.filter(n -> !n.isBlank()).orElseGet(() -> user.map(User::displayName).orElse("Guest"));
        Optional<Room.RoomMember> stored = user.flatMap(u -> room.members().stream().filter(m -> m.userId().equals(u.uuid())).findFirst());
        boolean admin = stored.map(Room.RoomMember::admin).orElse(false);
        UUID userId = user.map(User::uuid).orElse(null);
        if (!admin) {
            if (room.forcePassword() && !c.passwordOk()) {
                throw new RpcException(401, "You'll need the correct password to get in the room");
            }
            boolean admitted = !room.forceWaitingRoom() && (stored.isPresent() || room.open() || c.passwordOk());
            if (!admitted) {
                enterWaiting(s, new Binding(id, Session.State.WAITING, callId, name, userId, null, null));
                throw new RpcException(403, "not allowed for this room, waiting to be accpeted");
            }
        }
        String token = service.mint(id, callId, name, Optional.ofNullable(userId), admin);
        Binding b = s.binding();
        Member held = members.get(callId);
        if (!(b.in(id) && held != null && held.session == s && b.state() == Session.State.MEMBER)) {
            AccessToken minted = service.verify(token, Optional.of(id));
            if (held != null && held.session != s) {
                held.provenJti = minted.id(); // proved with the seat's token: this one may resume it too
            }
            admit(s, new Binding(id, Session.State.AUTHENTICATED, callId, name, userId, minted, null));
        } // a member re-authenticating keeps its seat and the token it joined with (refresh_token switches)
        return Map.of("auth_token", token);
    }

    /** Refuses a call id that another socket holds here (joined, kept for a reconnect, or waiting) without proof. */
    private void claimable(Session s, String callId, Optional<String> proof) {
        Member seat = members.get(callId);
        if (seat != null && seat.session != s && !proves(seat, proof)) {
            throw new RpcException(404, "member already in room");
        }
        Session waiter = waiting.get(callId);
        if (waiter != null && waiter != s) {
            throw new RpcException(404, "member already in room");
        }
    }

    private boolean proves(Member seat, Optional<String> token) {
        if (token.isEmpty()) {
            return false;
        }
        try {
            return seat.token.id().equals(service.tokens.verify(token.get(), Optional.of(id)).id());
        } catch (AuthException e) {
            return false;
        }
    }

    private void enterWaiting(Session s, Binding next) {
        Binding b = s.binding();
        boolean already = b.in(id) && b.state() == Session.State.WAITING && waiting.get(b.callId()) == s;
        if (!already && waiting.size() >= service.config.maxWaiting()) {
            throw new RpcException(429, "the waiting room is full");
        }
        admit(s, next);
        waiting.put(next.callId(), s);
        notifyWaiting(next);
    }

    private void notifyWaiting(Binding w) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("member", w.callId());
        params.put("name", w.name());
        if (w.user() != null) {
            params.put("user", w.user().toString());
        }
        toAdmins("member_waiting", params);
    }

    private Object decide(Params p, boolean allow) {
        String callId = p.string("member").orElseThrow(RpcException::noMember);
        AccessToken adminToken = service.verify(p.required("auth_token", 8192), Optional.of(id));
        if (!adminToken.admin()) {
            throw RpcException.adminOnly();
        }
        Session w = waiting.get(callId);
        Binding wb = w == null ? null : w.binding();
        if (w == null) {
            throw RpcException.noSuchMember();
        }
        waiting.remove(callId);
        if (allow) {
            String token = service.mint(id, wb.callId(), wb.name(), Optional.ofNullable(wb.user()), false);
            if (w.replace(wb, new Binding(id, Session.State.AUTHENTICATED, wb.callId(), wb.name(), wb.user(),
                    service.verify(token, Optional.of(id)), null))) {
                w.client.notify("member_allowed", Map.of("auth_token", token, "ice_servers", service.turn.iceServers(wb.callId())));
            }
            broadcast("member_waiting_allowed", Map.of("member", callId));
        } else {
            w.replace(wb, Binding.NONE);
            w.client.notify("member_rejected", Map.of());
            w.client.close("rejected");
            broadcast("member_waiting_rejected", Map.of("member", callId));
        }
        return Map.of();
    }

    // ---- media ----

    private Object join(Session s, Params p) {
        AccessToken token = service.verify(p.required("auth_token", 8192), Optional.of(id));
        if (!token.grants().publish() && p.string("sdp", MAX_SDP).isEmpty()) {
            return joinReceiveOnly(s, token);
        }
        String sdp = p.required("sdp", MAX_SDP);
        boolean audioMuted = p.bool("audio_muted");
        boolean videoMuted = p.bool("video_muted");
        Member m = resumable(s, token);
        boolean fresh = m == null;
        boolean wasHidden = !fresh && m.hidden();
        if (fresh) {
            m = new Member(token, s, System.currentTimeMillis());
        }
        MediaPeer previous = m.publisher;
        Router router = service.sfu.join(id);
        Negotiated<TrackInfo> n;
        try {
            n = service.negotiator.publish(sdp, previous, new PeerOwner(token.identity(), s.address));
            checkGrants(m.permit(token), n);
        } catch (RpcException e) {
            router.release();
            throw e;
        } catch (MediaLimitException e) {
            router.release();
            throw new RpcException(e.status(), e.getMessage());
        } catch (SdpException e) {
            router.release();
            throw invalidSdp(e);
        } catch (RuntimeException e) {
            router.release();
            throw new RpcException(500, "join failed: " + e.getMessage());
        }
        Member joined = m;
        CompletableFuture<Object> answer = new CompletableFuture<>();
        router.addPublisher(n.peer(), n.items(), executor, tracks -> { // back on this executor, never waited for
            try {
                answer.complete(published(joined, n, tracks, fresh || wasHidden));
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        if (previous != null && previous != n.peer()) {
            previous.close("replaced by ICE restart");
        }
        takeSeat(s, m, token);
        m.publisher = n.peer();
        if (fresh) {
            m.audioMuted = audioMuted;
            m.videoMuted = videoMuted;
        }
        return answer;
    }

    /** The rest of {@code join_room} once the media thread made the peer a publisher of {@code tracks}. */
    private Object published(Member m, Negotiated<TrackInfo> n, List<Receiver> tracks, boolean announce) {
        if (members.get(m.callId) != m || m.publisher != n.peer()) {
            throw RpcException.notInRoom(); // left, removed or joined again meanwhile
        }
        classify(m, tracks);
        if (announce && !m.hidden()) { // a hidden member that turns visible is announced then
            broadcastExcept(m, "member_join_room", m.view());
        }
        applyPause(m);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("call_id", m.callId);
        result.put("sdp", n.answer());
        result.put("members", views(m.callId));
        result.put("is_admin", m.admin);
        return result;
    }

    /**
     * The existing seat of {@code token}'s identity that {@code s} may take, or null for a new member.
     * Resuming a seat needs proof (docs/SECURITY.md, finding 3): the socket already holds it, or the
     * token is the one the seat was joined with (or last refreshed to). Anything else is refused, so a
     * stranger who authenticates with a disconnected member's call id never gets its seat, name or rights.
     */
    private Member resumable(Session s, AccessToken token) {
        Member m = members.get(token.identity());
        if (m == null) {
            return null;
        }
        if (m.session != s && !m.token.id().equals(token.id()) && !token.id().equals(m.provenJti)) {
            throw new RpcException(404, "member already in room");
        }
        return m;
    }

    /** Seats {@code s} as {@code m}: a socket that held it before is told and closed; the binding changes last. */
    private void takeSeat(Session s, Member m, AccessToken token) {
        if (m.session != null && m.session != s) {
            Session replaced = m.session;
            m.session = null;
            Binding rb = replaced.binding();
            if (rb.in(id) && m.callId.equals(rb.callId())) {
                replaced.replace(rb, Binding.NONE);
            }
            replaced.client.close("replaced by a new connection");
        }
        m.token = m.permit(token);
        m.admin = m.token.admin();
        m.disconnectedAtMillis = 0;
        admit(s, new Binding(id, Session.State.MEMBER, m.callId, m.name, m.user, m.token, null));
        m.session = s;
        members.put(m.callId, m);
        occupied = hadMembers = true;
    }

    private static RpcException invalidSdp(SdpException e) {
        return new RpcException(400, "invalid request: sdp: " + e.getMessage());
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
            m = new Member(token, s, System.currentTimeMillis());
        } else if (m.publisher != null) {
            m.publisher.close("joined to receive only");
            m.publisher = null;
            m.microphone = m.camera = m.screen = null;
        }
        takeSeat(s, m, token);
        m.audioMuted = m.videoMuted = true;
        if (fresh && !m.hidden()) {
            broadcastExcept(m, "member_join_room", m.view());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("call_id", m.callId);
        result.put("sdp", null);
        result.put("members", views(m.callId));
        result.put("is_admin", m.admin);
        return result;
    }

    private static void checkGrants(AccessToken token, Negotiated<TrackInfo> n) {
        int video = 0;
        for (TrackInfo t : n.items()) {
            Grants.Source source = t.kind() == MediaKind.AUDIO ? Grants.Source.MICROPHONE
                    : video++ == 0 ? Grants.Source.CAMERA : Grants.Source.SCREEN;
            if (!token.grants().mayPublish(source)) {
                throw new RpcException(403, "not allowed to publish " + source.name().toLowerCase());
            }
        }
    }

    /** Finds the member's microphone, camera and screen among its published tracks (offer order). */
    private static void classify(Member m, List<Receiver> tracks) {
        m.microphone = tracks.stream().filter(r -> r.info().kind() == MediaKind.AUDIO).findFirst().orElse(null);
        List<Receiver> videos = tracks.stream().filter(r -> r.info().kind() == MediaKind.VIDEO).toList();
        m.camera = videos.isEmpty() ? null : videos.get(0);
        m.screen = videos.size() < 2 ? null : videos.get(1);
    }

    /** Forwards each published track only while it is unmuted (shared) and the member's grants allow it. */
    private void applyPause(Member m) {
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

    private Object subscribe(Member self, Params p) {
        if (!self.token.grants().subscribe()) {
            throw new RpcException(403, "not allowed to subscribe");
        }
        p.string("auth_token", 8192).ifPresent(t -> service.verify(t, Optional.of(id)));
        String sdp = p.required("sdp", MAX_SDP);
        Map<String, Negotiator.Pick> picks = new HashMap<>();
        List<Receiver> fallback = new ArrayList<>();
        JsonNode list = p.array("members");
        for (int i = 0; i < list.size(); i++) {
            Params e = new Params(list.get(i));
            Member m = members.get(e.required("id", 128));
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
        Router router = service.sfu.join(id);
        Negotiated<Subscription> n;
        try {
            n = service.negotiator.subscribe(sdp, previous, picks, fallback, 0, 0, self.subscriberSources,
                    new PeerOwner(self.token.identity(), self.session == null ? "" : self.session.address));
        } catch (MediaLimitException e) {
            router.release();
            throw new RpcException(e.status(), e.getMessage());
        } catch (SdpException e) {
            router.release();
            throw invalidSdp(e);
        } catch (RuntimeException e) {
            router.release();
            throw new RpcException(500, "subscribe failed: " + e.getMessage());
        }
        router.addSubscriber(n.peer(), n.items());
        if (previous != null && previous != n.peer()) {
            previous.close("replaced by ICE restart");
        }
        self.subscriber = n.peer();
        return Map.of("sdp", n.answer());
    }

    private static void pick(Map<String, Negotiator.Pick> picks, Optional<String> mid, Receiver track, int width, int height) {
        if (mid.isPresent() && track != null) {
            picks.put(mid.get(), new Negotiator.Pick(track, width, height));
        }
    }

    /** The member's seat and media end; its socket (if any) stays admitted, as authenticated. */
    private void leave(Member m, boolean byAdmin) {
        members.remove(m.callId);
        occupied = !members.isEmpty();
        if (m.session != null) {
            Binding b = m.session.binding();
            if (b.in(id) && b.state() == Session.State.MEMBER && m.callId.equals(b.callId())) {
                m.session.replace(b, b.withState(Session.State.AUTHENTICATED));
            }
            m.session = null;
        }
        for (MediaPeer peer : new MediaPeer[] {m.publisher, m.subscriber}) {
            if (peer != null) {
                peer.close(byAdmin ? "removed by an admin" : "left the room");
            }
        }
        sentLevels.remove(m.callId);
        if (m.callId.equals(activeSpeaker)) {
            activeSpeaker = null;
            broadcast("room_clear_active_speaker", Map.of());
        }
        if (!m.hidden()) {
            broadcast("member_leave_room", Map.of("member", m.callId, "by_admin", byAdmin));
        }
        AccessToken token = m.token;
        service.fire(l -> l.memberLeft(id, m.callId, token));
    }

    // ---- moderation ----

    private Object selfMute(Member m, String method) {
        boolean mute = method.startsWith("mute");
        boolean audio = method.endsWith("audio");
        if (!mute && (audio ? m.audioMutedByAdmin : m.videoMutedByAdmin)) {
            throw new RpcException(403, "muted by an admin");
        }
        if (audio) {
            m.audioMuted = mute;
        } else {
            m.videoMuted = mute;
        }
        applyPause(m);
        broadcast("member_" + method, Map.of("member", m.callId, "by_admin", false));
        return Map.of();
    }

    private Object adminMute(Params p, String method) {
        Member m = target(p);
        boolean mute = method.startsWith("mute");
        boolean audio = method.endsWith("audio");
        boolean byAdmin = audio ? m.audioMutedByAdmin : m.videoMutedByAdmin;
        if (mute && byAdmin) {
            throw new RpcException(400, "member is already muted by an admin");
        }
        if (!mute && !byAdmin) {
            throw new RpcException(400, "member is not muted by an admin");
        }
        applyAdminMute(m, mute, audio);
        return Map.of();
    }

    /**
     * An admin's mute from outside the protocol (a facade's REST call): idempotent — muting a member
     * an admin already muted, or lifting a mute no admin set, changes nothing. The member's state after.
     */
    MemberState setMutedByAdmin(String callId, boolean audio, boolean mute) {
        Member m = members.get(callId);
        if (m == null) {
            throw RpcException.noSuchMember();
        }
        if (mute != (audio ? m.audioMutedByAdmin : m.videoMutedByAdmin)) {
            applyAdminMute(m, mute, audio);
        }
        return m.state();
    }

    List<MemberState> states() {
        return members.values().stream().filter(m -> !m.hidden()).map(Member::state).toList();
    }

    private void applyAdminMute(Member m, boolean mute, boolean audio) {
        if (audio) {
            m.audioMuted = mute;
            m.audioMutedByAdmin = mute;
        } else {
            m.videoMuted = mute;
            m.videoMutedByAdmin = mute;
        }
        applyPause(m);
        String event = "member_" + (mute ? "mute_" : "unmute_") + (audio ? "audio" : "video");
        broadcast(event, Map.of("member", m.callId, "by_admin", true));
    }

    /** {@link RoomService#removeMember}: the server disconnects a member as an admin would. */
    boolean removeByServer(String callId, boolean visibleOnly) {
        Member m = members.get(callId);
        if (m == null || visibleOnly && m.hidden()) {
            return false;
        }
        removeMember(m);
        forgetIfIdle();
        return true;
    }

    private void removeMember(Member m) {
        Session removed = m.session;
        if (removed != null) {
            removed.client.notify("member_leave_room", Map.of("member", m.callId, "by_admin", true));
        }
        m.session = null;
        leave(m, true);
        if (removed != null) {
            unbind(removed);
            removed.client.close("removed by an admin");
        }
    }

    /**
     * {@link RoomService#endRoom}: everyone here gets {@code room_ended {}} and is disconnected, the
     * media closes, and the room is forgotten (listeners hear {@code roomEnded}).
     */
    int end() {
        int removed = members.size();
        Set<Session> sessions = new LinkedHashSet<>();
        members.values().forEach(m -> {
            if (m.session != null) {
                sessions.add(m.session);
            }
        });
        sessions.addAll(watchers);
        sessions.addAll(waiting.values());
        for (Member m : members.values()) {
            for (MediaPeer peer : new MediaPeer[] {m.publisher, m.subscriber}) {
                if (peer != null) {
                    peer.close("the room ended");
                }
            }
        }
        members.clear();
        watchers.clear();
        waiting.clear();
        occupied = false;
        hadMembers = true;
        for (Session s : sessions) {
            if (s.binding().dialect() != null) {
                toWatcher(s, "room_ended", Map.of()); // a control center also hears its dialect's session end
            } else {
                s.client.notify("room_ended", Map.of());
            }
            unbind(s);
            s.client.close("the room ended");
        }
        forgetIfIdle();
        return removed;
    }

    boolean hasMembers() {
        return occupied;
    }

    private Member target(Params p) {
        String callId = p.string("member").orElseThrow(RpcException::noMember);
        Member m = members.get(callId);
        if (m == null) {
            throw RpcException.noSuchMember();
        }
        return m;
    }

    // ---- a shared video file played in sync (contract 003) ----

    /** The shared video's playback: file, url, playing, position (s) at {@code at} (epoch ms); null before any. */
    private Map<String, Object> video;

    private Object videoControl(Params p) {
        String action = p.required("action", 16);
        if (!action.equals("play") && !action.equals("pause") && !action.equals("seek")) {
            throw RpcException.invalid("action");
        }
        String fileId = p.required("file_id", 64);
        Optional<String> url = p.string("url", 2048);
        boolean sameFile = video != null && fileId.equals(video.get("file_id"));
        if (!sameFile && url.isEmpty()) {
            throw RpcException.invalid("url");
        }
        long now = System.currentTimeMillis();
        double current = !sameFile ? 0 : (double) video.get("position")
                + (Boolean.TRUE.equals(video.get("playing")) ? (now - (long) video.get("at")) / 1000.0 : 0);
        double position = p.decimal("position", 0, 86_400, current);
        boolean playing = action.equals("play") || action.equals("seek") && sameFile && Boolean.TRUE.equals(video.get("playing"));
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("file_id", fileId);
        state.put("url", url.orElseGet(() -> (String) video.get("url")));
        state.put("action", action);
        state.put("playing", playing);
        state.put("position", position);
        state.put("at", now);
        video = state;
        broadcast("video_control", state);
        return Map.of();
    }

    // ---- watching and chat ----

    private Object watch(Session s, Params p) {
        AccessToken token = service.verify(p.required("auth_token", 8192), Optional.of(id));
        if (!token.admin() && !token.grants().subscribe() && !token.grants().data()) {
            throw new RpcException(403, "not allowed to watch"); // e.g. a token that only reads shared state
        }
        Optional<String> events = p.string("events", 64);
        EventDialect dialect = events.map(service::dialect).orElse(null);
        if (events.isPresent() && dialect == null) {
            throw RpcException.invalid("events");
        }
        admit(s, new Binding(id, Session.State.WATCHING, token.identity(), token.name(), token.user().orElse(null), token, dialect));
        watchers.add(s);
        return Map.of("room_id", id.toString());
    }

    private Object sendChat(Binding b, Params p) {
        if (b.state() != Session.State.MEMBER && b.state() != Session.State.WATCHING) {
            throw RpcException.notInRoom();
        }
        if (!b.token().grants().data()) {
            throw new RpcException(403, "not allowed to send data");
        }
        String text = p.required("text", MAX_CHAT);
        ChatStore.Message message = service.chat.add(id, b.callId(), b.user(), b.name(), text);
        broadcast("member_chat_message", message);
        return Map.of("message", message);
    }

    // ---- tokens: expiry, refresh, revocation, live permissions (docs/SECURITY.md, finding 2) ----

    /**
     * {@code refresh_token {auth_token}}: the socket goes on with a fresh token of the same identity for
     * this room (before the one it has expires). A member's live permission changes stay in force.
     */
    private Object refreshToken(Session s, Binding b, Params p) {
        AccessToken next = service.verify(p.required("auth_token", 8192), Optional.of(id));
        if (!next.identity().equals(b.callId())) {
            throw new RpcException(403, "the token is for another identity");
        }
        Member m = members.get(b.callId());
        boolean seated = b.state() == Session.State.MEMBER && m != null && m.session == s;
        if (seated && next.grants().hidden() != m.hidden()) {
            throw new RpcException(403, "the token would change the hidden grant");
        }
        AccessToken effective = seated ? m.permit(next) : next;
        if (!s.replace(b, b.withToken(effective))) {
            throw notAuthenticated();
        }
        s.expiryWarned = null;
        if (seated) {
            m.token = effective;
            m.admin = effective.admin();
            enforce(m);
        }
        return Map.of("expires_at", effective.expiresAt().toString());
    }

    /**
     * A live change of a member's admin flag and grants (REST {@code PATCH /v1/rooms/{uuid}/live/{identity}}):
     * from the member's next action on, and its media at once (tracks it may no longer publish stop being
     * forwarded; without the subscribe grant its receiving connection closes). Empty when not joined.
     */
    Optional<Member.RoomMember> changePermissions(String identity, Optional<Boolean> admin, Optional<Grants> grants) {
        Member m = members.get(identity);
        if (m == null) {
            return Optional.empty();
        }
        admin.ifPresent(a -> m.adminOverride = a);
        grants.ifPresent(g -> m.grantsOverride = new Grants(g.publish(), g.subscribe(), g.publishSources(), g.data(),
                m.hidden(), g.state()));
        m.token = m.permit(m.token);
        m.admin = m.token.admin();
        if (m.session != null) {
            Binding b = m.session.binding();
            if (b.in(id) && b.state() == Session.State.MEMBER && m.callId.equals(b.callId())) {
                m.session.replace(b, b.withToken(m.token));
            }
            m.session.client.notify("permissions_changed", permissions(m.token));
        }
        enforce(m);
        return Optional.of(m.view());
    }

    private static Map<String, Object> permissions(AccessToken t) {
        Grants g = t.grants();
        return Map.of("is_admin", t.admin(), "grants", Map.of("publish", g.publish(), "subscribe", g.subscribe(),
                "publish_sources", g.publishSources().stream().map(x -> x.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList(),
                "data", g.data()));
    }

    /** Makes the member's media match its grants now. */
    private void enforce(Member m) {
        applyPause(m);
        if (m.subscriber != null && !m.token.grants().subscribe()) {
            m.subscriber.close("not allowed to subscribe");
            m.subscriber = null;
        }
    }

    /**
     * Every tick: a socket whose token expired or was revoked ends its membership ({@code token_expired}
     * / {@code token_revoked}, then closed; a member's media stops); one whose token expires within
     * {@code rooms.token_expiry_warning_seconds} hears {@code token_expiring} once per token.
     */
    private void checkTokens(long now) {
        for (Member m : List.copyOf(members.values())) {
            if (m.session != null) {
                checkToken(m.session, m, now);
            } else if (!valid(m.token)) {
                leave(m, false); // kept for a reconnect it can no longer make
            }
        }
        for (Session w : List.copyOf(watchers)) {
            checkToken(w, null, now);
        }
    }

    private void checkToken(Session s, Member m, long now) {
        Binding b = s.binding();
        if (!b.in(id) || b.token() == null) {
            return;
        }
        try {
            service.tokens.check(b.token(), Optional.of(id));
        } catch (AuthException e) {
            s.client.notify(e.getMessage().equals("token revoked") ? "token_revoked" : "token_expired", Map.of());
            if (m != null) {
                leave(m, false);
            }
            watchers.remove(s);
            unbind(s);
            s.client.close(e.getMessage());
            return;
        }
        long left = b.token().expiresAt().toEpochMilli() - now;
        if (left <= service.config.tokenExpiryWarningSeconds() * 1000L && !b.token().id().equals(s.expiryWarned)) {
            s.expiryWarned = b.token().id();
            s.client.notify("token_expiring", Map.of("expires_at", b.token().expiresAt().toString(),
                    "seconds_left", Math.max(0, left / 1000)));
        }
    }

    private boolean valid(AccessToken t) {
        try {
            service.tokens.check(t, Optional.of(id));
            return true;
        } catch (AuthException e) {
            return false;
        }
    }

    // ---- connection life ----

    /** The socket of {@code s} closed: a waiting entry or watch ends; a seat is kept for the reconnect grace. */
    void closed(Session s) {
        Binding b = s.binding();
        if (b.in(id) && b.state() == Session.State.WAITING && waiting.get(b.callId()) == s) {
            waiting.remove(b.callId());
            toAdmins("member_leave_waiting_room", Map.of("member", b.callId()));
        }
        watchers.remove(s);
        for (Member m : members.values()) {
            if (m.session == s) {
                m.session = null;
                m.disconnectedAtMillis = System.currentTimeMillis();
            }
        }
        sweep();
        forgetIfIdle();
    }

    /** Makes {@code s} admitted nowhere, if this room is still what it is admitted to. */
    private void unbind(Session s) {
        Binding b = s.binding();
        if (b.in(id)) {
            s.replace(b, Binding.NONE);
        }
    }

    /** Every {@link RoomService#TICK_MILLIS}: reconnect grace, inactivity, audio levels, speaker, quality. */
    void tick() {
        long now = System.currentTimeMillis();
        sweep();
        checkTokens(now);
        for (Member m : List.copyOf(members.values())) {
            if (m.session == null && now - m.disconnectedAtMillis > service.config.reconnectGraceSeconds() * 1000L) {
                leave(m, false);
                continue;
            }
            MediaPeer media = m.publisher != null ? m.publisher : m.subscriber;
            if (media != null && media != m.announced && media.isConnected()) {
                m.announced = media;
                AccessToken token = m.token;
                service.fire(l -> l.memberConnected(id, m.callId, token));
            }
            if (m.receiveOnly()) {
                continue; // nothing to be silent: the inactivity rule is about published media
            }
            long in = m.publisher == null ? 0 : m.publisher.stats().packetsIn();
            if (in != m.lastPacketsIn) {
                m.lastPacketsIn = in;
                m.lastMediaMillis = now;
            } else if (m.publisher != null && !m.publisher.isConnected() && !m.publisher.isClosed()) {
                m.lastMediaMillis = now; // ICE and DTLS still being set up: that has its own timeout, rtc.connect_timeout_seconds
            } else if (now - m.lastMediaMillis > service.config.mediaTimeoutSeconds() * 1000L) {
                Session gone = m.session;
                if (gone != null) {
                    gone.client.notify("member_leave_room", Map.of("member", m.callId, "by_admin", false));
                }
                leave(m, false);
            }
        }
        speakers(now);
        if (now - lastQualityMillis >= QUALITY_EVERY_MILLIS) {
            lastQualityMillis = now;
            service.sfu.existing(id).ifPresent(router -> members.values().forEach(m -> observe(router, m)));
        }
        forgetIfIdle();
    }

    private void speakers(long now) {
        String loudest = null;
        int loudestLevel = SPEAKING_LEVEL;
        for (Member m : members.values()) {
            if (m.hidden() && m.microphone == null) {
                continue;
            }
            int level = m.microphone == null || m.audioMuted ? 127 : m.microphone.audioLevel();
            m.audioLevel = level;
            Integer sent = sentLevels.get(m.callId);
            if (sent == null || Math.abs(sent - level) >= 5) {
                sentLevels.put(m.callId, level);
                broadcast("member_audio_level", Map.of("member", m.callId, "audio_level", level));
            }
            if (level < loudestLevel) {
                loudest = m.callId;
                loudestLevel = level;
            }
        }
        if (loudest != null) {
            lastSpeechMillis = now;
            if (!loudest.equals(activeSpeaker)) {
                activeSpeaker = loudest;
                broadcast("room_active_speaker", Map.of("member", loudest));
            }
        } else if (activeSpeaker != null && now - lastSpeechMillis > CLEAR_SPEAKER_MILLIS) {
            activeSpeaker = null;
            broadcast("room_clear_active_speaker", Map.of());
        }
    }

    /**
     * Asks the media thread for {@code m}'s loss, RTT, jitter and allocations; they come back as a task
     * on this executor (the room never waits on the media thread) and are applied if {@code m} still
     * has the same peers.
     */
    private void observe(Router router, Member m) {
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
            if (members.get(m.callId) != m) {
                return;
            }
            if (rates && m.publisher == publisher) {
                quality(m, r);
            }
            if (subscriber != null && m.subscriber == subscriber && m.session != null) {
                allocations(m, r.allocations());
            }
        });
    }

    private void quality(Member m, Router.MediaReport r) {
        String quality = ConnectionQuality.of(r.fractionLost() / 256.0, r.rttMillis(), r.jitterMillis());
        if (!quality.equals(m.quality)) {
            m.quality = quality;
            broadcast("member_connection_quality", Map.of("member", m.callId, "quality", quality));
        }
    }

    /** Tells a subscriber which layer of whose camera it receives, and the total rate, when they change. */
    private void allocations(Member m, List<Router.Allocation> list) {
        Map<String, Object> byMember = new LinkedHashMap<>();
        long rate = 0;
        for (Router.Allocation a : list) {
            rate += a.rate();
            members.values().stream().filter(o -> o.publisher != null && o.publisher.id().equals(a.publisherId())).findFirst()
                    .ifPresent(o -> {
                        Map<String, Object> v = new LinkedHashMap<>();
                        v.put("ssrc", a.ssrc());
                        v.put("rid", a.rid());
                        v.put("rate", a.rate());
                        v.put("width", a.width());
                        v.put("height", a.height());
                        byMember.put(o.callId, v);
                    });
        }
        if (!byMember.equals(m.lastAllocations) && !byMember.isEmpty()) {
            m.lastAllocations = byMember;
            m.session.client.notify("member_video_allocations", byMember);
        }
        if (m.lastAvailableRate < 0 || Math.abs(rate - m.lastAvailableRate) > m.lastAvailableRate / 10 + 1000) {
            m.lastAvailableRate = rate;
            m.session.client.notify("member_available_rate", Map.of("rate", rate));
        }
    }

    void forgetIfIdle() {
        if (members.isEmpty() && hadMembers) {
            hadMembers = false;
            service.fire(l -> l.roomEnded(id));
        }
        if (members.isEmpty() && waiting.isEmpty() && watchers.isEmpty() && pendingAdmissions == 0) {
            service.forget(this);
        }
    }

    // ---- helpers ----

    /** The visible members (a token's {@code hidden} grant keeps its holder out), but {@code except}. */
    List<Member.RoomMember> views(String except) {
        return members.values().stream().filter(m -> !m.callId.equals(except) && !m.hidden()).map(Member::view).toList();
    }

    /** A notification from outside the protocol (a facade's event) to everyone in the room. */
    void announce(String method, Object params) {
        broadcast(method, params);
    }

    private void broadcast(String method, Object params) {
        for (Member m : members.values()) {
            if (m.session != null) {
                m.session.client.notify(method, params);
            }
        }
        watchers.forEach(w -> toWatcher(w, method, params));
    }

    /** A watcher gets the native notification, then its dialect's translation of it (if it asked for one). */
    private void toWatcher(Session w, String method, Object params) {
        w.client.notify(method, params);
        EventDialect dialect = w.binding().dialect();
        if (dialect != null) {
            dialect.translate(id, method, params).forEach(n -> w.client.notify(n.method(), n.params()));
        }
    }

    private void broadcastExcept(Member except, String method, Object params) {
        for (Member m : members.values()) {
            if (m != except && m.session != null) {
                m.session.client.notify(method, params);
            }
        }
        watchers.forEach(w -> toWatcher(w, method, params));
    }

    private void toAdmins(String method, Object params) {
        for (Member m : members.values()) {
            if (m.admin && m.session != null) {
                m.session.client.notify(method, params);
            }
        }
        watchers.stream().filter(w -> w.binding().token() != null && w.binding().token().admin()).forEach(w -> toWatcher(w, method, params));
    }

    private static UUID parseUuid(String v, String name) {
        try {
            return UUID.fromString(v);
        } catch (IllegalArgumentException e) {
            throw RpcException.invalid(name);
        }
    }

    /** For metrics, read from another thread (a size may be a moment old). */
    int memberCount() {
        return members.size();
    }

    int watcherCount() {
        return watchers.size();
    }
}
