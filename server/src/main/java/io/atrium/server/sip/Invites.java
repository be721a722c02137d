package io.atrium.server.sip;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.atrium.server.auth.AccessToken;
import io.atrium.server.room.Elsewhere;
import io.atrium.server.room.Params;
import io.atrium.server.room.RoomListener;
import io.atrium.server.room.RoomService;
import io.atrium.server.room.RpcException;
import io.atrium.server.room.Session;
import io.atrium.server.room.SipRooms;
import io.atrium.server.store.Room;
import io.atrium.server.store.RoomNumberStore;
import io.atrium.server.store.RoomSpec;
import io.atrium.server.store.User;
import io.atrium.server.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contract 002's SIP methods (docs/PROTOCOL.md, "SIP: video registrations and invites"): apps register
 * their socket as a video registration of a user ({@code register_room_api}); a room's admin invites
 * extensions or numbers ({@code invite_exten}, {@code create_temp_room}). Inviting an extension rings all
 * of its user's phones ({@link DialOut}) and sends {@code room_invite} to all of its live video
 * registrations; a number that is no extension goes out through the outbound trunk. The first to answer
 * wins — a phone's 200 OK or an app's {@code join_room} with the invite's token — and the others get
 * CANCEL or {@code room_invite_completed_elsewhere}. An invite nobody answers ends: the inviter gets
 * {@code room_invite_reject}, the apps {@code room_invite_cancelled}. What an invite may ring at all is
 * {@link InviteRules}' to say, before anything rings.
 */
final class Invites implements SipRooms, RoomListener {

    /** An invite rings for at most this long (contract 002's notes). */
    static final long INVITE_SECONDS = 120;
    /** A video registration must be refreshed every minute; unrefreshed, it lapses after this. */
    static final long REGISTRATION_SECONDS = 120;
    static final int MAX_INVITED = 20;
    /** Longer destinations are refused as the request's parameter; {@link InviteRules} says which are dial strings. */
    static final int MAX_DESTINATION = 64;
    /** The owner of temporary rooms ({@link Room#owner}). */
    static final String TEMP_OWNER = "sip_temp";
    private static final Logger log = LoggerFactory.getLogger("atrium.sip.invites");

    private record VideoRegistration(UUID user, Instant expiresAt) {
    }

    enum State { RINGING, ANSWERED, ENDED }

    /** One invited destination. Guarded by its monitor. */
    private final class Invite implements DialOut.Outcome {
        final UUID room;
        final String callId;
        final String destination;
        final UUID invitee;
        /** The inviter's socket, and its seat in the room: after a reconnect the member's new socket hears the reject. */
        final Session inviter;
        final String inviterCallId;
        final RoomService.Invitation token;
        /**
         * Gives back its slot of the calls out through the trunk ({@link InviteRules}), once the call is over: when the
         * invite ends unanswered, or when the call its phone answered ends (an answered call holds it too). Runs once.
         */
        final Runnable release;
        final Set<Session> apps = new LinkedHashSet<>();
        State state = State.RINGING;
        Session answeredBy;
        DialOut.Dial dial;
        ScheduledFuture<?> timeout;

        Invite(UUID room, String callId, String destination, UUID invitee, Session inviter, String inviterCallId,
               RoomService.Invitation token, Runnable release) {
            this.room = room;
            this.callId = callId;
            this.destination = destination;
            this.invitee = invitee;
            this.inviter = inviter;
            this.inviterCallId = inviterCallId;
            this.token = token;
            this.release = release;
        }

        /**
         * The first registration to join with the token answers; any later one is refused, but once the
         * answering socket closed the token rejoins its member from a new socket (a reconnect).
         */
        synchronized void claim(Session s) {
            if (state == State.ANSWERED && (answeredBy == s || answeredBy == null)) {
                answeredBy = s;
                return;
            }
            if (state != State.RINGING) {
                throw new RpcException(403, state == State.ANSWERED ? "the invite was answered elsewhere" : "the invite has ended");
            }
            state = State.ANSWERED;
            answeredBy = s;
            timeout.cancel(false);
            if (dial != null) {
                dialOut.hangUp(dial, Hangups.ELSEWHERE);
            }
            for (Session app : apps) {
                if (app != s) {
                    app.client().notify("room_invite_completed_elsewhere", Map.of("room", room.toString(), "call_id", callId));
                }
            }
            log.info("invite {}: {} answered in room {}", callId, destination, room);
        }

        /** The socket that answered closed: its member may rejoin with the token from another one. */
        synchronized void socketClosed(Session s) {
            if (answeredBy == s) {
                answeredBy = null;
            }
        }

        /**
         * Ends a ringing invite: phones cancelled saying {@code why} ({@link Hangups}), apps (but {@code except}) and the
         * inviter told {@code reason}.
         */
        synchronized void end(String reason, Hangups.Why why, Session except) {
            if (state != State.RINGING) {
                return;
            }
            state = State.ENDED;
            release.run();
            timeout.cancel(false);
            if (dial != null) {
                dialOut.hangUp(dial, why);
            }
            for (Session app : apps) {
                if (app != except) {
                    app.client().notify("room_invite_cancelled", Map.of("room", room.toString(), "call_id", callId, "reason", reason));
                }
            }
            Map<String, Object> reject = new LinkedHashMap<>();
            reject.put("room", room.toString());
            reject.put("call_id", callId);
            reject.put("destination", destination);
            reject.put("reason", reason);
            rooms.tell(room, inviterCallId, "room_invite_reject", reject).thenAccept(told -> {
                if (!told) {
                    inviter.client().notify("room_invite_reject", reject);
                }
            });
            log.info("invite {}: {} not answered: {}", callId, destination, reason);
        }

        @Override
        public void answered(DialOut.Dial d, javax.sip.Dialog dialog, PhoneSdp agreed) {
            roomCalls.answeredInvite(dialog, agreed, d.rtp, room, callId, invitee, token.token(), numbers.numberOf(room),
                    destination, release);
        }

        /** No phone answered: a 6xx (decline) ends the invite; other failures end it unless apps may still answer. */
        @Override
        public synchronized void failed(DialOut.Dial d, int status) {
            if (status >= 600 || apps.isEmpty()) {
                end(reason(status), Hangups.forkEnded(status), null);
            }
        }
    }

    private final RoomService rooms;
    private final UserStore users;
    private final Registrar registrar;
    private final Trunks trunks;
    private final InviteRules rules;
    private final RoomNumberStore numbers;
    private final DialOut dialOut;
    private final B2bua b2bua;
    /** The SIP call ids already converted into rooms. */
    private final Set<String> converted = ConcurrentHashMap.newKeySet();
    private final RoomCalls roomCalls;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<Session, VideoRegistration> registrations = new ConcurrentHashMap<>();
    /** Invites by their token's id (kept until the token expires, so a token answers once) and by call id. */
    private final Map<String, Invite> byToken = new ConcurrentHashMap<>();
    private final Map<String, Invite> byCallId = new ConcurrentHashMap<>();
    private final Set<UUID> tempRooms = ConcurrentHashMap.newKeySet();

    Invites(RoomService rooms, UserStore users, Registrar registrar, Trunks trunks, InviteRules rules, RoomNumberStore numbers,
            DialOut dialOut, B2bua b2bua, RoomCalls roomCalls, ScheduledExecutorService timer, Clock clock) {
        this.b2bua = b2bua;
        this.rooms = rooms;
        this.users = users;
        this.registrar = registrar;
        this.trunks = trunks;
        this.rules = rules;
        this.numbers = numbers;
        this.dialOut = dialOut;
        this.roomCalls = roomCalls;
        this.timer = timer;
        this.clock = clock;
    }

    /**
     * Deletes the temporary rooms a previous run of the server left stored (their members, invites and
     * calls lived in that process's memory and ended with it), but those another node of a cluster runs.
     */
    void forgetTemporaryRooms() {
        for (Room r : rooms.store().listOwned(TEMP_OWNER)) {
            if (!rooms.elsewhere().running(r.uuid())) {
                rooms.store().delete(r.uuid());
            }
        }
    }

    @Override
    public CompletableFuture<Object> call(Session session, String method, Params params) {
        try {
            return switch (method) {
                case "register_room_api" -> rooms.identify(session, params).thenApply(user -> register(session, user));
                case "invite_exten" -> CompletableFuture.completedFuture(inviteExten(session, params));
                case "decline_room_invite" -> CompletableFuture.completedFuture(decline(session, params));
                case "create_temp_room" -> createTempRoom(session, params);
                case "convert_to_room" -> CompletableFuture.completedFuture(convert(session, params));
                default -> throw new RpcException(501, method + " is not implemented");
            };
        } catch (RpcException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** {@code register_room_api}: this socket is (again) a video registration of {@code user} for {@value #REGISTRATION_SECONDS} s. */
    private Object register(Session session, User user) {
        Instant until = clock.instant().plusSeconds(REGISTRATION_SECONDS);
        registrations.put(session, new VideoRegistration(user.uuid(), until));
        rooms.elsewhere().registered(session, user.uuid(), until);
        return Map.of("user", user.uuid().toString(), "expires_in", REGISTRATION_SECONDS);
    }

    /**
     * The sockets registered for {@code user} whose registration has not lapsed (lapsed ones are dropped):
     * this node's, then those on other nodes of a cluster.
     */
    private List<Session> apps(UUID user) {
        Instant now = clock.instant();
        registrations.entrySet().removeIf(e -> e.getValue().expiresAt().isBefore(now));
        List<Session> apps = new ArrayList<>(registrations.entrySet().stream().filter(e -> e.getValue().user().equals(user))
                .map(Map.Entry::getKey).toList());
        apps.addAll(rooms.elsewhere().registrations(user));
        return apps;
    }

    /** {@code invite_exten {extens}}: an admin of the socket's room invites extensions or numbers. */
    private Object inviteExten(Session session, Params params) {
        RoomService.Seat seat = rooms.seat(session);
        if (!seat.admin()) {
            throw new RpcException(403, "admin only");
        }
        InviteRules.Admitted admitted = rules.admit(seat.room(), new InviteRules.Inviter(seat.user(), seat.callId(), session.address()),
                params.strings("extens", MAX_INVITED, MAX_DESTINATION));
        return invite(seat.room(), seat.user(), seat.name(), session, seat.callId(), admitted);
    }

    /**
     * Invites each {@link InviteRules#admit admitted} destination into {@code room} on behalf of {@code inviter}, whose
     * seat there is (or will be) {@code inviterCallId}; answers
     * {@code {invited: [{bridge_id, destination}], failed: [{destination, reason}]}}.
     */
    private Map<String, Object> invite(UUID room, Optional<UUID> fromUser, String fromName, Session inviter, String inviterCallId,
                                       InviteRules.Admitted admitted) {
        purge();
        List<Map<String, String>> invited = new ArrayList<>();
        List<Map<String, String>> failed = new ArrayList<>();
        String roomNumber = numbers.numberOf(room);
        for (String destination : admitted.destinations()) {
            boolean outbound = admitted.outbound().contains(destination);
            Optional<User> user = outbound ? Optional.empty() : users.findByExtension(destination);
            List<String> phones;
            List<Session> apps;
            if (outbound) {
                phones = List.of(trunks.outbound().orElseThrow().uri(destination));
                apps = List.of();
            } else if (user.isPresent()) {
                phones = registrar.contacts(destination);
                apps = apps(user.get().uuid());
            } else {
                failed.add(Map.of("destination", destination, "reason", "unknown extension"));
                continue;
            }
            if (phones.isEmpty() && apps.isEmpty()) {
                failed.add(Map.of("destination", destination, "reason", "not registered"));
                continue;
            }
            rules.rang(admitted);
            String callId = UUID.randomUUID().toString();
            UUID invitee = user.map(User::uuid).orElse(null);
            String name = user.map(User::displayName).orElse(destination);
            Invite inv = new Invite(room, callId, destination, invitee, inviter, inviterCallId,
                    rooms.invitation(room, callId, name, Optional.ofNullable(invitee), false),
                    outbound ? rules.slot(room) : () -> { });
            byToken.put(inv.token.id(), inv);
            byCallId.put(callId, inv);
            rooms.elsewhere().inviting(callId, inv.token.expiresAt());
            synchronized (inv) {
                inv.timeout = timer.schedule(() -> inv.end("no answer", Hangups.normal("no answer"), null), INVITE_SECONDS,
                        TimeUnit.SECONDS);
                if (rules.stopping()) { // the server began stopping after admit, and stop may have passed this invite by
                    inv.end(Hangups.STOPPING.text(), Hangups.STOPPING, null);
                } else {
                    for (Session app : apps) {
                        inv.apps.add(app);
                        Map<String, Object> params = new LinkedHashMap<>();
                        params.put("room", room.toString());
                        params.put("call_id", callId);
                        params.put("from_user", fromUser.map(UUID::toString).orElse(null));
                        params.put("from_name", fromName);
                        params.put("auth_token", inv.token.token());
                        app.client().notify("room_invite", params);
                    }
                    if (!phones.isEmpty()) {
                        inv.dial = dialOut.dial(callId, fromName, roomNumber, destination, phones, inv);
                    }
                }
            }
            invited.add(Map.of("bridge_id", callId, "destination", destination));
        }
        return Map.of("invited", invited, "failed", failed);
    }

    /** {@code decline_room_invite {call_id}}: a video registration the invite rang declines it for the invited user. */
    private Object decline(Session session, Params params) {
        Invite inv = byCallId.get(params.required("call_id", 128));
        if (inv == null) {
            throw new RpcException(404, "no such invite");
        }
        synchronized (inv) {
            if (!inv.apps.contains(session)) {
                throw new RpcException(404, "no such invite");
            }
            if (inv.state != State.RINGING) {
                throw new RpcException(409, "the invite was answered or has ended");
            }
            inv.end("declined", Hangups.DECLINED, session);
        }
        return Map.of();
    }

    /**
     * {@code create_temp_room}: a temporary room owned by the caller (its admin), joined with the caller's
     * SDP as {@code join_room} does, then every entry of {@code invited} is invited.
     */
    private CompletableFuture<Object> createTempRoom(Session session, Params params) {
        String callId = params.required("call_id", 128);
        params.required("sdp", 262_144);
        com.fasterxml.jackson.databind.JsonNode listed = params.json() == null ? null : params.json().get("invited");
        List<String> invited = listed == null || listed.isNull() || listed.isArray() && listed.isEmpty() ? List.of()
                : params.strings("invited", MAX_INVITED, MAX_DESTINATION);
        boolean audioMuted = params.bool("audio_muted");
        boolean videoMuted = params.bool("video_muted");
        return rooms.identify(session, params).thenCompose(user -> {
            Room room = tempRoom("Temporary room of " + user.displayName(), List.of(new RoomSpec.MemberSpec(user.uuid(), true)));
            InviteRules.Admitted admitted = admitInto(room, new InviteRules.Inviter(Optional.of(user.uuid()), callId, session.address()),
                    invited);
            RoomService.Invitation own = rooms.invitation(room.uuid(), callId, user.displayName(), Optional.of(user.uuid()), true);
            ObjectNode join = JsonNodeFactory.instance.objectNode();
            join.set("sdp", params.json().get("sdp"));
            join.put("auth_token", own.token());
            join.put("audio_muted", audioMuted);
            join.put("video_muted", videoMuted);
            return rooms.call(session, "join_room", new Params(join)).handle((joined, error) -> {
                if (error != null) {
                    rules.release(room.uuid(), admitted.outbound().size());
                    drop(room);
                    throw error instanceof CompletionException ce ? ce : new CompletionException(error);
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("room_id", room.uuid().toString());
                result.put("auth_token", own.token());
                result.putAll(castMap((Map<?, ?>) joined));
                result.putAll(invite(room.uuid(), Optional.of(user.uuid()), user.displayName(), session, callId, admitted));
                log.info("temporary room {} created by {}", room.uuid(), user.username());
                return result;
            });
        });
    }

    /**
     * {@code convert_to_room {call_id, invited}}: a video registration of one party of an answered call
     * through the B2BUA turns it into a temporary room. Both legs' audio moves into the room (no redial:
     * the phones keep sending to the same relay sockets), each leg a SIP member, the caller its admin (the caller
     * is the user whose phone placed the call, whatever From it went with: a trunk's {@code caller_id} replaces it,
     * and a trunk's caller, who is no user, chooses it);
     * the converter gets its user's token in the answer, the other party's video registrations get
     * {@code call_converted_to_room}; {@code invited} are invited.
     */
    private Object convert(Session session, Params params) {
        VideoRegistration reg = registrations.get(session);
        if (reg == null || reg.expiresAt().isBefore(clock.instant())) {
            throw new RpcException(403, "not a video registration (register_room_api first)");
        }
        String id = params.required("call_id", 128);
        com.fasterxml.jackson.databind.JsonNode listed = params.json().get("invited");
        List<String> invited = listed == null || listed.isNull() || listed.isArray() && listed.isEmpty() ? List.of()
                : params.strings("invited", MAX_INVITED, MAX_DESTINATION);
        if (converted.contains(id)) {
            throw new RpcException(409, "the call is already a room");
        }
        UUID callId;
        try {
            callId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new RpcException(404, "no such call");
        }
        B2bua.Found found = b2bua.find(callId).orElseThrow(() -> new RpcException(404, "no such call"));
        CallInfo info = found.info();
        // the user whose phone placed the call, not the From it went with (a trunk's caller_id, a trunk caller's own)
        Optional<User> caller = found.callerUser().flatMap(users::find);
        Optional<User> callee = users.findByExtension(info.to());
        boolean isCaller = caller.map(u -> u.uuid().equals(reg.user())).orElse(false);
        if (!isCaller && !callee.map(u -> u.uuid().equals(reg.user())).orElse(false)) {
            throw new RpcException(403, "not a party to this call");
        }
        List<RoomSpec.MemberSpec> stored = new ArrayList<>();
        caller.ifPresent(u -> stored.add(new RoomSpec.MemberSpec(u.uuid(), true)));
        callee.ifPresent(u -> stored.add(new RoomSpec.MemberSpec(u.uuid(), false)));
        String callerName = caller.map(User::displayName).orElse(info.from());
        String calleeName = callee.map(User::displayName).orElse(info.to());
        Room room = tempRoom("Call of " + callerName + " and " + calleeName, stored);
        String callerSeat = UUID.randomUUID().toString();
        String calleeSeat = UUID.randomUUID().toString();
        InviteRules.Admitted admitted = admitInto(room,
                new InviteRules.Inviter(Optional.of(reg.user()), isCaller ? callerSeat : calleeSeat, session.address()), invited);
        Optional<B2bua.Handover> handedOver = b2bua.handOver(callId);
        if (handedOver.isEmpty()) {
            rules.release(room.uuid(), admitted.outbound().size());
            drop(room);
            throw new RpcException(409, "the call is not answered or its audio cannot join a room");
        }
        B2bua.Handover h = handedOver.get();
        converted.add(id);
        // each phone goes on sending with the other's payload types and expecting its own (they may differ)
        leg(room.uuid(), h.aDialog(), h.aLeg(), PhoneSdp.between(h.offer(), h.answer()), caller, callerName, true,
                h.from(), h.to(), () -> { });
        // the callee's leg keeps the call's slot (a phone's call out through the trunk) while it is in the room
        leg(room.uuid(), h.bDialog(), h.bLeg(), PhoneSdp.between(h.answer(), h.offer()), callee, calleeName, false,
                h.from(), h.to(), h.release());
        RoomService.Invitation callerApp = rooms.invitation(room.uuid(), callerSeat, callerName, caller.map(User::uuid), true);
        RoomService.Invitation calleeApp = rooms.invitation(room.uuid(), calleeSeat, calleeName, callee.map(User::uuid), false);
        Optional<User> other = isCaller ? callee : caller;
        RoomService.Invitation otherToken = isCaller ? calleeApp : callerApp;
        other.ifPresent(u -> apps(u.uuid()).forEach(app -> app.client().notify("call_converted_to_room",
                Map.of("room", room.uuid().toString(), "call_id", id, "auth_token", otherToken.token()))));
        log.info("call {} converted into room {}", id, room.uuid());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("room_id", room.uuid().toString());
        result.put("auth_token", (isCaller ? callerApp : calleeApp).token());
        User converter = (isCaller ? caller : callee).orElseThrow();
        result.putAll(invite(room.uuid(), Optional.of(converter.uuid()), converter.displayName(), session,
                isCaller ? callerSeat : calleeSeat, admitted));
        return result;
    }

    /** {@link InviteRules#admit} for a temporary room just made, which is dropped again when the invite is refused. */
    private InviteRules.Admitted admitInto(Room room, InviteRules.Inviter inviter, List<String> invited) {
        try {
            return rules.admit(room.uuid(), inviter, invited);
        } catch (RpcException e) {
            drop(room);
            throw e;
        }
    }

    /** Deletes a temporary room that did not come to be (nobody joined it). */
    private void drop(Room room) {
        tempRooms.remove(room.uuid());
        rooms.store().delete(room.uuid());
    }

    /** A temporary room: no password, not open, no waiting room, not recorded; deleted when it ends ({@link #roomEnded}). */
    private Room tempRoom(String name, List<RoomSpec.MemberSpec> members) {
        Room room = rooms.store().create(new RoomSpec(name, RoomSpec.PasswordChange.CLEAR, null, false, false, false, members, false),
                TEMP_OWNER);
        tempRooms.add(room.uuid());
        return room;
    }

    /**
     * One leg of a converted call joins {@code room} as a SIP member with its own id and token; {@code ended} runs once
     * when it leaves.
     */
    private void leg(UUID room, javax.sip.Dialog dialog, RtpRelay.Leg rtp, PhoneSdp agreed, Optional<User> user, String name,
                     boolean admin, String from, String to, Runnable ended) {
        String member = UUID.randomUUID().toString();
        RoomService.Invitation token = rooms.invitation(room, member, name, user.map(User::uuid), admin);
        roomCalls.answeredInvite(dialog, agreed, rtp, room, member, user.map(User::uuid).orElse(null), token.token(), from, to,
                ended);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    /**
     * The server is stopping (docs/SIP.md, "Restarts"): every invite still ringing ends as {@link Hangups#STOPPING}
     * (phones CANCELled, apps and inviters told), and on a node alone the temporary rooms it runs
     * end ({@code room_ended} to their members, BYE to their phones); on a cluster they may go on elsewhere.
     * Their stored rows go when SIP starts again. Waits up to {@code patience} for the rooms. New invites are refused
     * from now on ({@link InviteRules#stop}).
     */
    void stop(Duration patience) {
        rules.stop();
        byCallId.values().forEach(i -> i.end(Hangups.STOPPING.text(), Hangups.STOPPING, null));
        if (rooms.elsewhere() != Elsewhere.NOWHERE) {
            return;
        }
        CompletableFuture<?>[] ending = tempRooms.stream().map(rooms::end).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(ending).get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("temporary rooms not all ended before the server stopped: {}", e.toString());
        }
    }

    /**
     * A temporary room ended (its last member left): its invites end and the room is deleted. On a cluster that
     * is also one made on another node: its node died and its members came back to it here.
     */
    @Override
    public void roomEnded(UUID room) {
        boolean made = tempRooms.remove(room);
        if (made || rooms.elsewhere() != Elsewhere.NOWHERE) {
            timer.execute(() -> {
                if (made || rooms.store().find(room).filter(r -> TEMP_OWNER.equals(r.owner())).isPresent()) {
                    byCallId.values().stream().filter(i -> i.room.equals(room))
                            .forEach(i -> i.end("room ended", Hangups.normal("room ended"), null));
                    rooms.store().delete(room);
                    log.info("temporary room {} ended and was deleted", room);
                }
            });
        }
    }

    /**
     * Whoever sees a node gone adopts its temporary rooms that no live node runs: each waits here for its members
     * as a room waits for a member whose socket closed ({@code rooms.reconnect_grace_seconds}), and is deleted
     * then if nobody came back; one its members come back to runs on the node it is placed on and is deleted
     * when it ends there ({@link #roomEnded}).
     */
    @Override
    public void nodeGone(String node) {
        for (Room r : rooms.store().listOwned(TEMP_OWNER)) {
            if (!tempRooms.contains(r.uuid()) && adopted(r.uuid())) {
                timer.schedule(() -> {
                    if (!rooms.isActive(r.uuid()) && adopted(r.uuid()) && rooms.store().delete(r.uuid())) {
                        log.info("temporary room {} of gone node {} deleted: nobody came back to it", r.uuid(), node);
                    }
                }, rooms.reconnectGraceMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Whether {@code room} runs here, taken if no live node runs it; false when that cannot be told. */
    private boolean adopted(UUID room) {
        try {
            return rooms.elsewhere().runsHere(room);
        } catch (RuntimeException e) {
            log.warn("temporary room {} not adopted (it is deleted when SIP next starts on a node): {}", room, e.toString());
            return false;
        }
    }

    @Override
    public void joining(AccessToken token, Session session) {
        Invite inv = byToken.get(token.id());
        if (inv != null) {
            inv.claim(session);
        }
    }

    @Override
    public void closed(Session session) {
        for (Invite inv : byCallId.values()) {
            inv.socketClosed(session);
        }
        VideoRegistration gone = registrations.remove(session);
        if (gone != null) {
            rooms.elsewhere().unregistered(session, gone.user());
        }
    }

    /** Forgets invites whose token has expired (until then a used token is refused). */
    private void purge() {
        Instant now = clock.instant();
        byToken.values().removeIf(i -> i.token.expiresAt().isBefore(now));
        byCallId.values().removeIf(i -> i.token.expiresAt().isBefore(now));
    }

    /** What the inviter and the apps are told of phones that ended an invite with {@code status} ({@code room_invite_reject}). */
    static String reason(int status) {
        return status >= 600 ? "declined" : switch (status) {
            case Response.BUSY_HERE -> "busy";
            case Response.REQUEST_TIMEOUT -> "no answer";
            default -> "unavailable";
        };
    }
}
