package io.atrium.server.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.Grants;
import io.atrium.server.sfu.MediaKind;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

    Object handle(Session s, String method, Params p) {
        return switch (method) {
            case "authenticate" -> authenticate(s, p);
            case "get_room_members" -> {
                requireAuthenticated(s);
                yield views(null);
            }
            case "get_waiting_room_members" -> {
                requireAdmin(s);
                yield waiting.values().stream().map(w -> Map.of("member", w.callId, "name", w.name)).toList();
            }
            case "still_waiting" -> stillWaiting(s);
            case "allow_member" -> decide(s, p, true);
            case "reject_member" -> decide(s, p, false);
            case "join_room" -> join(s, p);
            case "subscribe_room" -> subscribe(s, p);
            case "leave_room" -> {
                leave(requireMember(s), false);
                yield Map.of();
            }
            case "raise_hand", "unraise_hand" -> {
                Member m = requireMember(s);
                m.handRaised = method.equals("raise_hand");
                broadcast("member_" + method, Map.of("member", m.callId));
                yield Map.of();
            }
            case "start_screen_share", "stop_screen_share" -> {
                Member m = requireMember(s);
                m.screenShare = method.equals("start_screen_share");
                m.screenShareSinceMillis = System.currentTimeMillis();
                if (m.screen != null) {
                    m.screen.paused(!m.screenShare);
                }
                broadcast("member_" + method, Map.of("member", m.callId));
                yield Map.of();
            }
            case "send_reaction" -> {
                Member m = requireMember(s);
                String reaction = p.required("reaction", 32);
                if (!REACTION.matcher(reaction).matches()) {
                    throw RpcException.invalid("reaction");
                }
                broadcast("member_send_reaction", Map.of("member", m.callId, "reaction", reaction));
                yield Map.of();
            }
            case "mute_audio", "unmute_audio", "mute_video", "unmute_video" -> selfMute(requireMember(s), method);
            case "remove_member" -> remove(s, p);
            case "mute_member_audio", "unmute_member_audio", "mute_member_video", "unmute_member_video" -> adminMute(s, p, method);
            case "watch_room" -> watch(s, p);
            case "video_control" -> videoControl(s, p);
            case "get_video_state" -> {
                requireAuthenticated(s);
                yield video == null ? Map.of() : video;
            }
            case "send_chat_message" -> sendChat(s, p);
            case "get_chat_history" -> {
                requireAuthenticated(s);
                Optional<UUID> before = p.string("before").map(v -> parseUuid(v, "before"));
                yield Map.of("messages", service.chat.history(id, before, p.integer("limit", 1, 200, 50)));
            }
            default -> throw new RpcException(-32601, "method not found");
        };
    }

    // ---- authentication and the waiting room ----

    private Object authenticate(Session s, Params p) {
        String callId = p.required("call_id", 128);
        Member existing = members.get(callId);
        if (existing != null && existing.session != null && existing.session != s) {
            throw new RpcException(404, "member already in room");
        }
        Room room = service.room(id);
        Optional<User> user = service.identify(p);
        String name = p.string("display_name", 128).filter(n -> !n.isBlank())
                .orElseGet(() -> user.map(User::displayName).orElse("Guest"));
        Optional<Room.RoomMember> stored = user.flatMap(u -> room.members().stream().filter(m -> m.userId().equals(u.uuid())).findFirst());
        boolean admin = stored.map(Room.RoomMember::admin).orElse(false);
        Optional<String> roomPassword = p.string("room_password", 1024);
        boolean passwordOk = room.hasPassword() && roomPassword.isPresent()
                && service.rooms.passwordHash(id).map(h -> service.hasher.matches(roomPassword.get(), h)).orElse(false);
        s.room = id;
        s.callId = callId;
        s.name = name;
        s.user = user.map(User::uuid).orElse(null);
        if (!admin) {
            if (room.forcePassword() && !passwordOk) {
                throw new RpcException(401, "You'll need the correct password to get in the room");
            }
            boolean admitted = !room.forceWaitingRoom() && (stored.isPresent() || room.open() || passwordOk);
            if (!admitted) {
                s.state = Session.State.WAITING;
                waiting.put(callId, s);
                notifyWaiting(s);
                throw new RpcException(403, "not allowed for this room, waiting to be accpeted");
            }
        }
        String token = service.mint(id, callId, name, Optional.ofNullable(s.user), admin);
        s.token = service.verify(token, Optional.of(id));
        if (s.state != Session.State.MEMBER) {
            s.state = Session.State.AUTHENTICATED;
        }
        return Map.of("auth_token", token);
    }

    private void notifyWaiting(Session w) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("member", w.callId);
        params.put("name", w.name);
        if (w.user != null) {
            params.put("user", w.user.toString());
        }
        toAdmins("member_waiting", params);
    }

    private Object stillWaiting(Session s) {
        if (s.state != Session.State.WAITING || waiting.get(s.callId) != s) {
            throw new RpcException(404, "member didn't authenticate");
        }
        notifyWaiting(s);
        return Map.of();
    }

    private Object decide(Session s, Params p, boolean allow) {
        requireAdmin(s);
        String callId = p.string("member").orElseThrow(RpcException::noMember);
        AccessToken adminToken = service.verify(p.required("auth_token", 8192), Optional.of(id));
        if (!adminToken.admin()) {
            throw RpcException.adminOnly();
        }
        Session w = waiting.remove(callId);
        if (w == null) {
            throw RpcException.noSuchMember();
        }
        if (allow) {
            String token = service.mint(id, w.callId, w.name, Optional.ofNullable(w.user), false);
            w.token = service.verify(token, Optional.of(id));
            w.state = Session.State.AUTHENTICATED;
            w.client.notify("member_allowed", Map.of("auth_token", token, "ice_servers", service.turn.iceServers(w.callId)));
            broadcast("member_waiting_allowed", Map.of("member", callId));
        } else {
            w.state = Session.State.NEW;
            w.room = null;
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
        Member m = members.get(token.identity());
        boolean fresh = m == null;
        boolean wasHidden = !fresh && m.hidden();
        if (fresh) {
            m = new Member(token, s, System.currentTimeMillis());
        } else if (m.session != null && m.session != s) {
            m.session.state = Session.State.NEW;
            m.session.client.close("replaced by a new connection");
        }
        MediaPeer previous = m.publisher;
        Router router = service.sfu.join(id);
        Negotiated<TrackInfo> n;
        try {
            n = service.negotiator.publish(sdp, previous);
            checkGrants(token, n);
        } catch (RpcException e) {
            router.release();
            throw e;
        } catch (RuntimeException e) {
            router.release();
            throw new RpcException(500, "join failed: " + e.getMessage());
        }
        router.addPublisher(n.peer(), n.items());
        if (previous != null && previous != n.peer()) {
            previous.close("replaced by ICE restart");
        }
        m.publisher = n.peer();
        m.token = token;
        m.session = s;
        m.disconnectedAtMillis = 0;
        s.state = Session.State.MEMBER;
        s.room = id;
        s.callId = m.callId;
        s.name = m.name;
        s.user = m.user;
        s.token = token;
        members.put(m.callId, m);
        occupied = hadMembers = true;
        classify(m, router, n.peer());
        if (fresh) {
            m.audioMuted = audioMuted;
            m.videoMuted = videoMuted;
        }
        if ((fresh || wasHidden) && !m.hidden()) { // a hidden member that turns visible is announced then
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
     * {@code join_room} without {@code sdp} by a token that may not publish: a member that only
     * receives (the audience of a live stream). It needs the subscribe grant, publishes nothing, and
     * is exempt from the inactivity rule; its media is the {@code subscribe_room} connection.
     */
    private Object joinReceiveOnly(Session s, AccessToken token) {
        if (!token.grants().subscribe()) {
            throw new RpcException(403, "not allowed to subscribe");
        }
        Member m = members.get(token.identity());
        boolean fresh = m == null;
        if (fresh) {
            m = new Member(token, s, System.currentTimeMillis());
        } else {
            if (m.session != null && m.session != s) {
                m.session.state = Session.State.NEW;
                m.session.client.close("replaced by a new connection");
            }
            if (m.publisher != null) {
                m.publisher.close("joined to receive only");
                m.publisher = null;
                m.microphone = m.camera = m.screen = null;
            }
        }
        m.token = token;
        m.session = s;
        m.disconnectedAtMillis = 0;
        m.audioMuted = m.videoMuted = true;
        s.state = Session.State.MEMBER;
        s.room = id;
        s.callId = m.callId;
        s.name = m.name;
        s.user = m.user;
        s.token = token;
        members.put(m.callId, m);
        occupied = hadMembers = true;
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

    /** Finds the member's microphone, camera and screen among the router's tracks (offer order). */
    private void classify(Member m, Router router, MediaPeer peer) {
        List<Receiver> tracks = awaitTracks(router, peer);
        m.microphone = tracks.stream().filter(r -> r.info().kind() == MediaKind.AUDIO).findFirst().orElse(null);
        List<Receiver> videos = tracks.stream().filter(r -> r.info().kind() == MediaKind.VIDEO).toList();
        m.camera = videos.isEmpty() ? null : videos.get(0);
        m.screen = videos.size() < 2 ? null : videos.get(1);
    }

    private static List<Receiver> awaitTracks(Router router, MediaPeer peer) {
        java.util.concurrent.CompletableFuture<List<Receiver>> f = new java.util.concurrent.CompletableFuture<>();
        peer.execute(() -> f.complete(router.tracks().stream().filter(r -> r.publisherId().equals(peer.id())).toList()));
        try {
            return f.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new RpcException(500, "join failed: media thread did not answer");
        }
    }

    private void applyPause(Member m) {
        if (m.microphone != null) {
            m.microphone.paused(m.audioMuted);
        }
        if (m.camera != null) {
            m.camera.paused(m.videoMuted);
        }
        if (m.screen != null) {
            m.screen.paused(!m.screenShare);
        }
    }

    private Object subscribe(Session s, Params p) {
        Member self = requireMember(s);
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
            n = service.negotiator.subscribe(sdp, previous, picks, fallback, 0, 0, self.subscriberSources);
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

    private void leave(Member m, boolean byAdmin) {
        members.remove(m.callId);
        occupied = !members.isEmpty();
        if (m.session != null) {
            m.session.state = Session.State.AUTHENTICATED;
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

    private Object adminMute(Session s, Params p, String method) {
        requireAdmin(s);
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

    private Object remove(Session s, Params p) {
        requireAdmin(s);
        removeMember(target(p));
        return Map.of();
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
            removed.state = Session.State.NEW;
            removed.room = null;
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
            if (s.dialect != null) {
                toWatcher(s, "room_ended", Map.of()); // a control center also hears its dialect's session end
            } else {
                s.client.notify("room_ended", Map.of());
            }
            s.state = Session.State.NEW;
            s.room = null;
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

    private Object videoControl(Session s, Params p) {
        requireAdmin(s);
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
        s.dialect = dialect;
        s.state = Session.State.WATCHING;
        s.room = id;
        s.callId = token.identity();
        s.name = token.name();
        s.token = token;
        watchers.add(s);
        return Map.of("room_id", id.toString());
    }

    private Object sendChat(Session s, Params p) {
        requireAuthenticated(s);
        if (s.state != Session.State.MEMBER && s.state != Session.State.WATCHING) {
            throw RpcException.notInRoom();
        }
        if (!s.token.grants().data()) {
            throw new RpcException(403, "not allowed to send data");
        }
        String text = p.required("text", MAX_CHAT);
        ChatStore.Message message = service.chat.add(id, s.callId, s.user, s.name, text);
        broadcast("member_chat_message", message);
        return Map.of("message", message);
    }

    // ---- connection life ----

    void closed(Session s) {
        if (waiting.get(s.callId) == s) {
            waiting.remove(s.callId);
            toAdmins("member_leave_waiting_room", Map.of("member", s.callId));
        }
        watchers.remove(s);
        Member m = s.callId == null ? null : members.get(s.callId);
        if (m != null && m.session == s) {
            m.session = null;
            m.disconnectedAtMillis = System.currentTimeMillis();
        }
        forgetIfIdle();
    }

    /** Every {@link RoomService#TICK_MILLIS}: reconnect grace, inactivity, audio levels, speaker, quality. */
    void tick() {
        long now = System.currentTimeMillis();
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
            members.values().forEach(this::quality);
            members.values().forEach(this::allocations);
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

    private void quality(Member m) {
        if (m.publisher == null || !m.publisher.isConnected()) {
            return;
        }
        int loss = 0;
        double jitter = 0;
        for (Receiver r : new Receiver[] {m.microphone, m.camera}) {
            if (r != null) {
                loss = Math.max(loss, r.fractionLost());
                jitter = Math.max(jitter, r.jitterMillis());
            }
        }
        int rtt = -1;
        if (m.subscriber != null) {
            int[] q = service.sfu.existing(id).map(r -> r.receiveQuality(m.subscriber)).orElse(new int[] {0, -1});
            loss = Math.max(loss, q[0]);
            rtt = q[1];
        }
        String quality = ConnectionQuality.of(loss / 256.0, rtt, jitter);
        if (!quality.equals(m.quality)) {
            m.quality = quality;
            broadcast("member_connection_quality", Map.of("member", m.callId, "quality", quality));
        }
    }

    /** Tells a subscriber which layer of whose camera it receives, and the total rate, when they change. */
    private void allocations(Member m) {
        Router router = service.sfu.existing(id).orElse(null);
        if (m.subscriber == null || m.session == null || router == null) {
            return;
        }
        List<Router.Allocation> list;
        try {
            list = router.allocations(m.subscriber).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            return;
        }
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

    private void forgetIfIdle() {
        if (members.isEmpty() && hadMembers) {
            hadMembers = false;
            service.fire(l -> l.roomEnded(id));
        }
        if (members.isEmpty() && waiting.isEmpty() && watchers.isEmpty()) {
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
    private static void toWatcher(Session w, String method, Object params) {
        w.client.notify(method, params);
        EventDialect dialect = w.dialect;
        if (dialect != null) {
            dialect.translate(w.room, method, params).forEach(n -> w.client.notify(n.method(), n.params()));
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
        watchers.stream().filter(w -> w.token != null && w.token.admin()).forEach(w -> toWatcher(w, method, params));
    }

    private static void requireAuthenticated(Session s) {
        if (s.token == null || s.state == Session.State.NEW || s.state == Session.State.WAITING) {
            throw new RpcException(404, "member didn't authenticate");
        }
    }

    private Member requireMember(Session s) {
        requireAuthenticated(s);
        Member m = s.callId == null ? null : members.get(s.callId);
        if (s.state != Session.State.MEMBER || m == null || m.session != s) {
            throw RpcException.notInRoom();
        }
        return m;
    }

    private static void requireAdmin(Session s) {
        requireAuthenticated(s);
        if (!s.token.admin()) {
            throw RpcException.adminOnly();
        }
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
