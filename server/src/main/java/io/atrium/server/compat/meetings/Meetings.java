package io.atrium.server.compat.meetings;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.auth.Grants;
import io.atrium.server.auth.TokenService;
import io.atrium.server.config.AtriumConfig;
import io.atrium.server.room.RoomListener;
import io.atrium.server.room.RoomService;
import io.atrium.server.state.StateService;
import io.atrium.server.store.MeetingStore;
import io.atrium.server.store.MeetingStore.Meeting;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomSpec;
import io.atrium.server.store.RoomStore;
import io.atrium.server.store.StoreException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Meetings with a waiting room (contract 001) over Atrium's rooms. A meeting is an n-digit id for one
 * stored room (force_waiting_room, so nobody gets in through {@code authenticate} without an admin).
 * Its waiting document, named by the meeting id, lives in that room's shared state:
 * {@code {"meeting_id"}} while closed, {@code {"meeting_id", "room_id"}} once an admin has opened it.
 * Waiting users read it over the WebSocket and join by themselves when {@code room_id} appears; it
 * goes again when the room ends (its last member left). In a cluster the document outlives the node that held
 * it (docs/SCALING.md): the node that takes the room over reads it back, open or closed.
 */
public final class Meetings implements RoomListener {

    static final int MAX_ATTEMPTS = 100;
    /** The longest meeting id: 15 digits stay exact as a JSON number in every client (below 2^53). */
    public static final int MAX_DIGITS = 15;
    private static final Logger log = LoggerFactory.getLogger(Meetings.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A failure answered as a bare JSON string. */
    static final class MeetingException extends RuntimeException {
        final int status;

        MeetingException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static final String NOT_FOUND = "Error: couldn't find your meeting room. Please go to admin and create it first.";
    static final String NOT_AUTHORIZED = "Error: you have not been authorized.";
    static final String CANNOT_AUTHORIZE = "Error: couldn't authorize your to connect to this room.";
    static final String CANNOT_CREATE = "Error: couldn't create the new meeting";

    private final MeetingStore store;
    private final RoomStore rooms;
    private final TokenService tokens;
    private final RoomService roomService;
    private final StateService state;
    private final Clock clock;
    private final long ttlSeconds;
    private final int defaultDigits;
    /** Open meetings: room → meeting id, to close the document when the room ends. */
    private final Map<UUID, String> open = new ConcurrentHashMap<>();

    public Meetings(AtriumConfig config, MeetingStore store, RoomStore rooms, TokenService tokens, RoomService roomService,
                    Clock clock) {
        this.store = store;
        this.rooms = rooms;
        this.tokens = tokens;
        this.roomService = roomService;
        this.state = roomService.state();
        this.clock = clock;
        this.ttlSeconds = config.auth().tokenTtlSeconds();
        this.defaultDigits = config.compat().meetings().idDigits();
        roomService.addListener(this);
    }

    /** Video parameters: the room, who, and an access token for it. */
    record VideoParams(String roomId, String identity, String token) {
        Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("room_id", roomId);
            body.put("identity", identity);
            body.put("token", token);
            return body;
        }
    }

    /** A new meeting id of {@code digits} digits (the configured default when empty). */
    String create(Optional<Integer> digits) {
        int n = digits.orElse(defaultDigits);
        UUID room = null;
        try {
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                String id = randomId(n);
                if (store.find(id).isPresent()) {
                    continue;
                }
                if (room == null) {
                    Room created = rooms.create(new RoomSpec("Meeting " + id, RoomSpec.PasswordChange.KEEP, null, false, false,
                            true, List.of(), false), Room.MEETINGS);
                    room = created.uuid();
                }
                try {
                    store.create(id, room);
                    log.info("meeting {} created in room {}", id, room);
                    return id;
                } catch (StoreException.Duplicate e) {
                    // taken meanwhile: try another id
                }
            }
        } catch (StoreException e) {
            log.error("cannot create a meeting", e);
        }
        if (room != null) {
            rooms.delete(room);
        }
        throw new MeetingException(500, CANNOT_CREATE);
    }

    /** Opens the meeting (writes {@code room_id} into its document) and gives an admin token for its room. */
    VideoParams adminJoin(String meetingId, Optional<String> name) {
        Meeting meeting = find(meetingId);
        synchronized (this) {
            ObjectNode doc = document(meeting);
            if (!doc.has("room_id")) {
                doc.put("room_id", meeting.room().toString());
                state.setDocument(meeting.room(), meeting.meetingId(), doc);
                open.put(meeting.room(), meeting.meetingId());
                log.info("meeting {} opened", meetingId);
            }
        }
        String identity = UUID.randomUUID().toString();
        String token = mint(meeting, identity, name.orElse("Host"), true, Grants.participant().withState(List.of(meetingId)));
        return new VideoParams(meeting.room().toString(), identity, token);
    }

    /** A fresh identity allowed to wait, with a token that reads the meeting's document and nothing else. */
    Map<String, Object> enterWaitingRoom(String meetingId) {
        Meeting meeting = find(meetingId);
        String identity = UUID.randomUUID().toString();
        try {
            store.addGuest(meetingId, identity, clock.instant().plusSeconds(ttlSeconds));
        } catch (StoreException e) {
            log.error("cannot record a waiting user of meeting {}", meetingId, e);
            throw new MeetingException(403, CANNOT_AUTHORIZE);
        }
        synchronized (this) {
            document(meeting);
        }
        Grants readOnly = new Grants(false, false, EnumSet.noneOf(Grants.Source.class), false, true, List.of(meetingId));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("document", meetingId);
        body.put("identity", identity);
        body.put("token", mint(meeting, identity, "Guest", false, readOnly));
        return body;
    }

    /** The room of meeting {@code meetingId}: its waiting document is that room's state. */
    UUID room(String meetingId) {
        return find(meetingId).room();
    }

    /** A waiting user joins the open meeting's room. */
    VideoParams userJoin(String meetingId, String roomId, String identity, Optional<String> name) {
        Meeting meeting = find(meetingId);
        String current = state.document(meeting.room(), meetingId).map(d -> d.path("room_id").asText("")).orElse("");
        if (current.isEmpty() || !current.equals(roomId)) {
            throw new MeetingException(404, NOT_FOUND);
        }
        open.putIfAbsent(meeting.room(), meetingId); // opened on a node that died: this one closes it
        if (!store.isGuest(meetingId, identity)) {
            throw new MeetingException(403, NOT_AUTHORIZED);
        }
        String token = mint(meeting, identity, name.orElse("Guest"), false, Grants.participant().withState(List.of(meetingId)));
        return new VideoParams(roomId, identity, token);
    }

    @Override
    public void roomEnded(UUID room) {
        String meetingId = open.remove(room);
        if (meetingId != null) {
            close(room, meetingId);
        } else if (state.isKept()) {
            // a cluster node that took the room over from a dead one: its meeting, if any, may have been opened there
            roomService.schedule(() -> store.find(room).ifPresent(m -> close(room, m.meetingId())), 0);
        }
    }

    private void close(UUID room, String meetingId) {
        boolean closed;
        synchronized (this) {
            closed = state.updateDocument(room, meetingId, doc -> {
                ((ObjectNode) doc).remove("room_id");
                return doc;
            });
        }
        if (closed) {
            log.info("meeting {} closed: its room ended", meetingId);
        }
    }

    // ---- helpers ----

    private Meeting find(String meetingId) {
        if (meetingId.length() > 18) {
            throw new MeetingException(404, NOT_FOUND);
        }
        return store.find(meetingId).orElseThrow(() -> new MeetingException(404, NOT_FOUND));
    }

    /** The meeting's document (created closed when missing); call holding this monitor. */
    private ObjectNode document(Meeting meeting) {
        Optional<ObjectNode> doc = state.document(meeting.room(), meeting.meetingId())
                .filter(ObjectNode.class::isInstance).map(ObjectNode.class::cast);
        if (doc.isPresent()) {
            if (doc.get().has("room_id")) {
                open.putIfAbsent(meeting.room(), meeting.meetingId()); // opened on a node that died: this one closes it
            }
            return doc.get();
        }
        ObjectNode fresh = NODES.objectNode().put("meeting_id", meeting.meetingId());
        state.setDocument(meeting.room(), meeting.meetingId(), fresh);
        return fresh;
    }

    private String mint(Meeting meeting, String identity, String name, boolean admin, Grants grants) {
        return tokens.mint(meeting.room(), identity, name, Optional.empty(), admin, grants, ttlSeconds).token();
    }

    /**
     * {@code digits} random decimal digits, the first never 0: contract 001 shows the id as a JSON number
     * ({@code { meeting_id : 123456 }}), and a number cannot keep a leading zero.
     */
    static String randomId(int digits) {
        long low = 1;
        for (int i = 1; i < digits; i++) {
            low *= 10;
        }
        return Long.toString(low + RANDOM.nextLong(low * 10 - low)); // 1-9 for one digit
    }
}
