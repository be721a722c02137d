package io.atrium.server.compat.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.auth.AuthException;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.room.RoomHome;
import io.atrium.server.room.RoomListener;
import io.atrium.server.room.RoomService;
import io.atrium.server.state.StateService;
import io.atrium.server.store.LiveStreamStore;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomSpec;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.StoreException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive live streams (contract 000) over Atrium's rooms: one stored room per live stream, the
 * host and speakers as publishing members, viewers as hidden receive-only members of the same room,
 * and the stream's state (maps {@code speakers}, {@code viewers}, {@code raised_hands}, documents
 * {@code user-<identity>}) in the room's shared state. The transitions of docs/CONTRACTS.md are driven
 * by the room's own events: a speaker whose media connects goes on stage, anyone who leaves is
 * removed from every map. A stream's name, room and host are stored ({@link LiveStreamStore}: one stream of a
 * name, whichever node creates it); a node asked about a stream it does not run in memory takes it over from
 * there (the node that ran it died, or this one restarted; docs/SCALING.md), its maps as the room's shared
 * state keeps them.
 */
public final class LiveStreams implements RoomListener {

    /** Tokens live 4 hours, as in the original. */
    static final long TOKEN_TTL_SECONDS = 4 * 3600;
    static final String SPEAKERS = "speakers";
    static final String VIEWERS = "viewers";
    static final String RAISED_HANDS = "raised_hands";
    static final int MAX_NAME = 128;
    private static final Logger log = LoggerFactory.getLogger(LiveStreams.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One live stream: its name, its room, who created it. */
    record Stream(String name, UUID room, String host) {
    }

    /** A failure answered as {@code {"error": {"message", "explanation"}}}. */
    static final class LiveException extends RuntimeException {
        final int status;
        final String explanation;

        LiveException(int status, String message, String explanation) {
            super(message);
            this.status = status;
            this.explanation = explanation;
        }
    }

    private final RoomStore rooms;
    private final LiveStreamStore store;
    private final TokenService tokens;
    private final RoomService roomService;
    private final StateService state;
    private final long emptyTimeoutMillis;
    private final Map<String, Stream> byName = new ConcurrentHashMap<>();
    private final Map<UUID, Stream> byRoom = new ConcurrentHashMap<>();
    /**
     * Rooms running here that the store says are no live stream: looked up once per run of the room, not at each
     * publisher's connection, and forgotten when the room ends (its next run, or a restarted node, looks again).
     */
    private final java.util.Set<UUID> ordinary = ConcurrentHashMap.newKeySet();

    public LiveStreams(AtriumConfig config, RoomStore rooms, LiveStreamStore store, TokenService tokens, RoomService roomService) {
        this.rooms = rooms;
        this.store = store;
        this.tokens = tokens;
        this.roomService = roomService;
        this.state = roomService.state();
        this.emptyTimeoutMillis = TimeUnit.SECONDS.toMillis(config.compat().live().emptyStreamTimeoutSeconds());
        roomService.addListener(this);
    }

    /** What the three token endpoints answer. */
    record Joined(String token, Stream stream, boolean withUserDocument, String identity) {
        Map<String, Object> body() {
            Map<String, Object> names = new LinkedHashMap<>();
            names.put("speakers_map", SPEAKERS);
            names.put("viewers_map", VIEWERS);
            names.put("raised_hands_map", RAISED_HANDS);
            if (withUserDocument) {
                names.put("user_document", userDocument(identity));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("token", token);
            body.put("room_sid", stream.room().toString());
            body.put("chat_enabled", true);
            body.put("sync_object_names", names);
            return body;
        }
    }

    static String userDocument(String identity) {
        return "user-" + identity;
    }

    // ---- endpoints ----

    Joined create(String identity, String name) {
        state.keepable(); // a new stream's maps could not outlive this node: refused before anything is made
        Stream stream;
        synchronized (this) {
            if (byName.containsKey(name) || store.find(name).isPresent()) { // not taken over: it may be another node's
                throw exists();
            }
            Room room = rooms.create(new RoomSpec(name, RoomSpec.PasswordChange.KEEP, null, false, false, true, List.of(), false), Room.LIVE);
            try {
                // its lease before anyone can find it (by its stored name): the kept state takes only the lease holder's changes
                roomService.elsewhere().runsHere(room.uuid());
                store.create(name, room.uuid(), identity);
            } catch (StoreException.Duplicate e) {
                log.info("live stream '{}' was created elsewhere meanwhile", name);
                rooms.delete(room.uuid());
                throw exists();
            } catch (RoomHome.Unavailable e) { // Redis went away since keepable(): the same answer, nothing was made
                rooms.delete(room.uuid());
                throw new StateService.NotKept(StateService.NOT_KEEPABLE, e);
            } catch (RuntimeException e) {
                rooms.delete(room.uuid());
                throw e;
            }
            stream = new Stream(name, room.uuid(), identity);
            byName.put(name, stream);
            byRoom.put(stream.room(), stream);
        }
        state.createMap(stream.room(), SPEAKERS);
        state.createMap(stream.room(), VIEWERS);
        state.createMap(stream.room(), RAISED_HANDS);
        state.putItem(stream.room(), SPEAKERS, identity, host(true));
        scheduleEmptyCheck(stream, false);
        log.info("live stream '{}' created by '{}' in room {}", name, identity, stream.room());
        return new Joined(mint(stream, identity, true, true), stream, false, identity);
    }

    /**
     * A speaker's token; the host's (admin) only for the holder of a host token of this stream ({@code hostToken}: the
     * token {@code create-stream} answered, or one a host re-join answered), never for an identity named in the
     * request, which anyone with the passcode can name (docs/SECURITY.md, finding 14).
     */
    Joined joinAsSpeaker(String identity, String name, Optional<String> hostToken) {
        Stream stream = find(name);
        boolean host = hostToken.isPresent() && isHostToken(hostToken.get(), stream, identity);
        if (hostToken.isPresent() && !host) {
            throw new LiveException(401, "host token incorrect",
                    "The host_token parameter is not a valid host token of this stream for this user_identity.");
        }
        if (state.document(stream.room(), userDocument(identity)).isEmpty()) {
            state.setDocument(stream.room(), userDocument(identity), invite(false));
        }
        return new Joined(mint(stream, identity, true, host), stream, true, identity);
    }

    /** Whether {@code token} is a valid (unexpired, unrevoked) admin token of {@code stream}'s room for its host {@code identity}. */
    private boolean isHostToken(String token, Stream stream, String identity) {
        try {
            AccessToken t = tokens.verify(token, Optional.of(stream.room()));
            return t.admin() && t.identity().equals(identity) && identity.equals(stream.host());
        } catch (AuthException e) {
            return false;
        }
    }

    Joined joinAsViewer(String identity, String name) {
        Stream stream = find(name);
        state.setDocument(stream.room(), userDocument(identity), invite(false));
        return new Joined(mint(stream, identity, false, false), stream, true, identity);
    }

    void viewerConnected(String identity, String name) {
        Stream stream = find(name);
        state.putItem(stream.room(), VIEWERS, identity, NODES.objectNode());
    }

    void raiseHand(String identity, String name, boolean raised) {
        Stream stream = find(name);
        if (raised) {
            state.putItem(stream.room(), RAISED_HANDS, identity, NODES.objectNode());
        } else {
            state.removeItem(stream.room(), RAISED_HANDS, identity);
        }
    }

    void sendSpeakerInvite(String identity, String roomSid) {
        Stream stream = stream(roomSid).orElseThrow(() ->
                new LiveException(500, "error updating user document", "The user document does not exist."));
        boolean updated = state.updateDocument(stream.room(), userDocument(identity), doc -> {
            ObjectNode next = doc.isObject() ? (ObjectNode) doc : NODES.objectNode();
            next.put("speaker_invite", true);
            return next;
        });
        if (!updated) {
            throw new LiveException(500, "error updating user document", "The user document does not exist.");
        }
    }

    void removeSpeaker(String identity, String roomName) {
        Stream stream = find(roomName);
        boolean removed;
        try {
            removed = roomService.removeMember(stream.room(), identity, true).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new LiveException(500, "error removing speaker", "The room did not answer.");
        }
        if (!removed) {
            throw new LiveException(500, "error removing speaker", "The participant is not connected to the room.");
        }
    }

    void delete(String name) {
        Stream stream = local(name).orElseThrow(() ->
                new LiveException(500, "error deleting stream", "The requested stream was not found."));
        end(stream, "deleted");
    }

    private static LiveException exists() {
        return new LiveException(500, "error creating room", "Room exists");
    }

    // ---- room events ----

    @Override
    public void memberConnected(UUID room, String identity, AccessToken token) {
        if (!token.grants().publish()) {
            return;
        }
        // a stream's room runs here without this node knowing the stream: its node died and a member came back
        Stream stream = byRoom.get(room);
        if (stream == null && !ordinary.contains(room)) {
            stream = store.find(room).map(this::takeOver).orElse(null);
            if (stream == null) {
                ordinary.add(room);
            }
        }
        if (stream == null) {
            return;
        }
        state.removeItem(room, VIEWERS, identity);
        state.removeItem(room, RAISED_HANDS, identity);
        // {host: true} for the host's own (admin) token only, not for whoever names the host's identity
        state.putItem(room, SPEAKERS, identity, host(token.admin() && identity.equals(stream.host())));
    }

    @Override
    public void memberLeft(UUID room, String identity, AccessToken token) {
        if (byRoom.containsKey(room)) {
            state.removeItem(room, SPEAKERS, identity);
            state.removeItem(room, VIEWERS, identity);
            state.removeItem(room, RAISED_HANDS, identity);
        }
    }

    @Override
    public void roomEnded(UUID room) {
        ordinary.remove(room);
        Stream stream = byRoom.get(room);
        if (stream != null) {
            scheduleEmptyCheck(stream, false);
        }
    }

    /** Another node holds the stream's room now: it runs the stream (taken over there); this node forgets it. */
    @Override
    public void roomMoved(UUID room) {
        Stream stream = byRoom.remove(room);
        if (stream != null) {
            byName.remove(stream.name(), stream);
        }
    }

    /**
     * Whoever sees a node gone adopts the streams that no live node runs (their node died, or stopped with
     * nobody left in them): taken over here as a request naming them would, so that they end when nobody comes
     * back, and their maps lose whoever does not.
     */
    @Override
    public void nodeGone(String node) {
        for (LiveStreamStore.Row row : store.all()) {
            try {
                if (!byName.containsKey(row.name()) && roomService.elsewhere().runsHere(row.room())) {
                    takeOver(row);
                }
            } catch (RuntimeException e) {
                log.warn("live stream '{}' of gone node {} not adopted (the next request naming it takes it over): {}",
                        row.name(), node, e.toString());
            }
        }
    }

    // ---- helpers ----

    /**
     * Ends the stream unless someone is in its room when the empty-stream timeout has passed; if not, and the
     * stream was taken over ({@code taken}), takes out of its maps who is not in its room by then (someone its
     * dead node listed who never came back).
     */
    private void scheduleEmptyCheck(Stream stream, boolean taken) {
        roomService.schedule(() -> {
            if (byRoom.get(stream.room()) != stream) {
                return;
            }
            if (!roomService.isActive(stream.room())) {
                end(stream, "empty for " + emptyTimeoutMillis / 1000 + " s");
            } else if (taken) {
                roomService.present(stream.room()).thenAccept(present -> {
                    for (String name : List.of(SPEAKERS, VIEWERS, RAISED_HANDS)) {
                        state.map(stream.room(), name).ifPresent(items -> items.keySet().stream()
                                .filter(identity -> !present.contains(identity))
                                .forEach(identity -> state.removeItem(stream.room(), name, identity)));
                    }
                });
            }
        }, emptyTimeoutMillis);
    }

    private void end(Stream stream, String why) {
        synchronized (this) {
            if (!byName.remove(stream.name(), stream)) {
                return;
            }
            byRoom.remove(stream.room(), stream);
        }
        try {
            roomService.end(stream.room()).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("ending the room of live stream '{}' took too long: {}", stream.name(), e.toString());
            state.clear(stream.room());
        }
        store.delete(stream.name(), stream.room());
        rooms.delete(stream.room());
        log.info("live stream '{}' ended ({})", stream.name(), why);
    }

    private Stream find(String name) {
        return local(name).orElseThrow(() ->
                new LiveException(500, "error finding room", "The requested room '" + name + "' was not found."));
    }

    /** Stream {@code name} as this node runs it: in memory, or taken over from the store; empty when there is none. */
    private Optional<Stream> local(String name) {
        Stream stream = byName.get(name);
        return stream != null ? Optional.of(stream) : store.find(name).map(this::takeOver);
    }

    private Optional<Stream> stream(String roomSid) {
        return uuid(roomSid).flatMap(room -> {
            Stream stream = byRoom.get(room);
            return stream != null ? Optional.of(stream) : store.find(room).map(this::takeOver);
        });
    }

    /**
     * Runs a stored stream here that this node does not have in memory (its node died, or this one restarted):
     * its maps are the room's shared state as restored (made again empty where none was kept), it ends like
     * any stream when its room stays empty, and who is not in its room after the empty-stream timeout leaves
     * its maps.
     */
    private synchronized Stream takeOver(LiveStreamStore.Row row) {
        Stream known = byName.get(row.name());
        if (known != null) {
            return known;
        }
        Stream stream = new Stream(row.name(), row.room(), row.host());
        // its maps first: a node that may not read them (another node holds the room) does not take the stream
        state.createMap(stream.room(), SPEAKERS);
        state.createMap(stream.room(), VIEWERS);
        state.createMap(stream.room(), RAISED_HANDS);
        byName.put(stream.name(), stream);
        byRoom.put(stream.room(), stream);
        scheduleEmptyCheck(stream, true);
        log.info("live stream '{}' (room {}) taken over from the store", stream.name(), stream.room());
        return stream;
    }

    /**
     * The room of stream {@code name}: this node's, else the stored one (another node of a cluster may run
     * it); empty when there is none.
     */
    Optional<UUID> room(String name) {
        Stream stream = byName.get(name);
        return stream != null ? Optional.of(stream.room()) : store.find(name).map(LiveStreamStore.Row::room);
    }

    /** {@code roomSid} as a room id; empty when it is not one. */
    static Optional<UUID> uuid(String roomSid) {
        try {
            return Optional.of(UUID.fromString(roomSid));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Host and speakers publish, subscribe, chat and read the stream state; viewers receive, chat and read, hidden.
     * {@code host}: the token is the host's (admin), which only create-stream and a proven host re-join decide.
     */
    private String mint(Stream stream, String identity, boolean speaker, boolean host) {
        List<String> readable = List.of(SPEAKERS, VIEWERS, RAISED_HANDS, userDocument(identity));
        Grants grants = speaker
                ? Grants.participant().withState(readable)
                : new Grants(false, true, EnumSet.noneOf(Grants.Source.class), true, true, readable);
        return tokens.mint(stream.room(), identity, identity, Optional.empty(), speaker && host, grants, TOKEN_TTL_SECONDS)
                .token();
    }

    private static JsonNode host(boolean host) {
        return NODES.objectNode().put("host", host);
    }

    private static JsonNode invite(boolean invited) {
        return NODES.objectNode().put("speaker_invite", invited);
    }
}
